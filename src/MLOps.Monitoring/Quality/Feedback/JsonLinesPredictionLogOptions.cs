using System.ComponentModel.DataAnnotations;

namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>Options of <see cref="JsonLinesPredictionLog"/>.</summary>
public sealed class JsonLinesPredictionLogOptions
{
    /// <summary>The default <see cref="MaxFileSize"/>: 64 MiB.</summary>
    public const long DefaultMaxFileSize = 64L * 1024 * 1024;

    /// <summary>The default <see cref="MaxFiles"/>.</summary>
    public const int DefaultMaxFiles = 16;

    /// <summary>Gets or sets the directory of the log files (<c>predictions-000001.jsonl</c>, …); created if missing.</summary>
    /// <value>The default value is <c>predictions</c> (relative to the current directory).</value>
    [Required]
    public string Directory { get; set; } = "predictions";

    /// <summary>Gets or sets the size at which the current file is closed and a new one started (checked before each batch, so a file may exceed it by one batch).</summary>
    /// <value>The default value is 64 MiB.</value>
    [Range(4096, long.MaxValue)]
    public long MaxFileSize { get; set; } = DefaultMaxFileSize;

    /// <summary>Gets or sets how many files are kept; the oldest is deleted when a new file would exceed it.</summary>
    /// <value>The default value is 16.</value>
    [Range(1, 100_000)]
    public int MaxFiles { get; set; } = DefaultMaxFiles;

    /// <summary>
    /// Gets or sets whether each batch is flushed to the storage device (<c>fsync</c>) before <see cref="IPredictionLog.AppendAsync"/>
    /// completes. With <see langword="false"/>, each batch still reaches the operating system before the call completes, so it
    /// survives a crash of the process but not of the machine.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FlushToDisk { get; set; } = true;
}
