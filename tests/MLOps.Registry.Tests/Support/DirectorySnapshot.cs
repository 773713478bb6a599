using System.Security.Cryptography;

namespace MLOps.Registry.Tests.Support;

/// <summary>Every file under a directory with the SHA-256 of its content, to assert that nothing was written.</summary>
public static class DirectorySnapshot
{
    public static SortedDictionary<string, string> Take(string root)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(root))
        {
            return files;
        }

        foreach (string file in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(root, file)] = File.Exists(file) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))) : "<dir>";
        }

        return files;
    }

    /// <summary>Every file with the SHA-256 of its content, without directories (an empty directory left behind holds no state).</summary>
    public static List<KeyValuePair<string, string>> Files(string root) => [.. Take(root).Where(e => e.Value != "<dir>")];
}
