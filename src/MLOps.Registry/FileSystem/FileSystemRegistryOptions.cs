using System.ComponentModel.DataAnnotations;

namespace MLOps;

/// <summary>Options of the file-system model registry, configured with <c>AddFileSystemRegistry(o => …)</c>.</summary>
public sealed class FileSystemRegistryOptions
{
    /// <summary>The default <see cref="MaxRolloutDecisions"/>: 100.</summary>
    public const int DefaultMaxRolloutDecisions = 100;

    /// <summary>The largest <see cref="MaxRolloutDecisions"/>: 100,000.</summary>
    public const int MaxRolloutDecisionsLimit = 100_000;

    /// <summary>The default <see cref="RootPath"/>: <c>.mlops</c>.</summary>
    public const string DefaultRootPath = ".mlops";

    /// <summary>The default <see cref="LockTimeout"/>: 30 seconds.</summary>
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the registry directory (relative paths resolve against the current directory). Created on first write.</summary>
    /// <value>The default value is <c>.mlops</c>.</value>
    [Required]
    public string RootPath { get; set; } = DefaultRootPath;

    /// <summary>
    /// Gets or sets how long a write waits for the registry's lock file when another process or instance holds it
    /// before failing with <see cref="RegistryErrorCode.LockTimeout"/>.
    /// </summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan LockTimeout { get; set; } = DefaultLockTimeout;

    /// <summary>
    /// Gets or sets the actor recorded in audit events when a request names none; <see langword="null"/> uses
    /// <c>user@machine</c> of the current process.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? DefaultActor { get; set; }

    /// <summary>Gets or sets whether a <see cref="FileSystemWatcher"/> reports changes made by other processes to subscribers.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool WatchForChanges { get; set; } = true;

    /// <summary>
    /// Gets or sets how many of a rollout's latest decisions <see cref="Rollout.Decisions"/> keeps besides the first one;
    /// older ones are dropped and counted in <see cref="Rollout.DroppedDecisions"/>, so a long rollout's record stays bounded.
    /// </summary>
    /// <value>The default value is 100.</value>
    [Range(1, MaxRolloutDecisionsLimit)]
    public int MaxRolloutDecisions { get; set; } = DefaultMaxRolloutDecisions;
}
