using System.ComponentModel.DataAnnotations;

namespace MLOps;

/// <summary>Options of the file-system experiment tracker, configured with <c>AddFileSystemTracking(o => …)</c>.</summary>
public sealed class FileSystemTrackingOptions
{
    /// <summary>The default <see cref="RootPath"/>: <c>.mlops</c> (the same directory as the file-system registry's default).</summary>
    public const string DefaultRootPath = ".mlops";

    /// <summary>The default <see cref="LockTimeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets the MLOps directory; tracking data lives in its <c>tracking</c> subdirectory, so it can share the
    /// registry's root. Relative paths resolve against the current directory. Created on first write.
    /// </summary>
    /// <value>The default value is <c>.mlops</c>.</value>
    [Required]
    public string RootPath { get; set; } = DefaultRootPath;

    /// <summary>
    /// Gets or sets how long a write waits for a lock file held by another process or instance before failing with
    /// <see cref="RegistryErrorCode.LockTimeout"/>.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan LockTimeout { get; set; } = DefaultLockTimeout;
}
