using Microsoft.Extensions.Options;

namespace MLOps.Registry.Internal;

/// <summary>The option rules the file-system registry and tracker share: a usable root path and a bounded lock timeout.</summary>
internal static class FileSystemOptionsRules
{
    /// <summary>Adds an error for a root path that is empty or has invalid characters, and for a lock timeout outside (0, 1 h].</summary>
    public static void Check(ValidateOptionsResultBuilder builder, string? rootPath, TimeSpan lockTimeout, string rootPathName, string lockTimeoutName)
    {
        if (string.IsNullOrWhiteSpace(rootPath))
        {
            builder.AddError("must be a directory path.", rootPathName);
        }
        else if (rootPath.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            builder.AddError("contains characters that are invalid in a path.", rootPathName);
        }

        if (lockTimeout <= TimeSpan.Zero || lockTimeout > TimeSpan.FromHours(1))
        {
            builder.AddError("must be more than 0 and at most 1 hour.", lockTimeoutName);
        }
    }
}
