using System.Security.Cryptography;
using System.Text;

namespace MLOps.Registry.Internal;

/// <summary>
/// Maps a version's artifact paths to artifact-store keys, so that every path <see cref="ModelArtifact.IsValidPath"/>
/// accepts (up to <see cref="ModelArtifact.MaxPathLength"/> characters) can be stored, whatever the backend's prefix.
/// </summary>
/// <remarks>
/// A key is <c>&lt;prefix&gt;&lt;directory&gt;/&lt;path&gt;</c> when that is itself a valid store key (the readable
/// layout, and the only one registries written before this rule contain: longer keys could not be stored). When the
/// prefix pushes it past the store's key limit, the key is <c>&lt;prefix&gt;long-paths/&lt;SHA-256 of the path&gt;</c>
/// instead: 64 hex characters whatever the path's length, in a directory of its own so it never collides with a
/// readable key. The logical path stays in the version's metadata, so callers only ever see the path they registered.
/// </remarks>
internal static class ArtifactKeys
{
    /// <summary>The directory holding artifacts whose readable key would be too long.</summary>
    public const string LongPathsDirectory = "long-paths";

    /// <summary>Returns the store key of <paramref name="path"/> under <paramref name="prefix"/> (ending with '/').</summary>
    public static string Compose(string prefix, string directory, string path)
    {
        string readable = prefix + directory + "/" + path;
        return ModelArtifact.IsValidPath(readable) ? readable : prefix + LongPathsDirectory + "/" + Hash(path);
    }

    private static string Hash(string path) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(path)));
}
