using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;

namespace MLOps;

/// <summary>
/// A model registry in a directory: human-readable JSON metadata, artifacts as files with their SHA-256, crash-safe
/// (every file is replaced atomically) and safe for several processes (writes hold an exclusive lock file).
/// Register it with <c>AddFileSystemRegistry(o => o.RootPath = ".mlops")</c>, or create one directly for scripts and tools.
/// </summary>
/// <remarks>
/// <para>Layout: <c>schema.json</c>; <c>registry.lock</c>; <c>models/&lt;name&gt;/model.json</c> (model, aliases and
/// alias history); <c>models/&lt;name&gt;/versions/&lt;n&gt;.json</c>; <c>models/&lt;name&gt;/approvals.json</c>;
/// <c>models/&lt;name&gt;/audit.jsonl</c>; <c>artifacts/&lt;name&gt;/&lt;n&gt;/files/&lt;path&gt;</c>, or, for the rare path
/// too long for that key (more than 1024 characters with the prefix), <c>artifacts/&lt;name&gt;/&lt;n&gt;/long-paths/&lt;SHA-256
/// of the path&gt;</c>; the version file keeps the path as registered.</para>
/// <para>Every path <see cref="ModelArtifact.IsValidPath(string?)"/> accepts (up to <see cref="ModelArtifact.MaxPathLength"/>
/// characters, segments up to 255) can be registered and read back. A version's artifacts must form a file tree that
/// every file system can hold: <see cref="RegisterVersionAsync"/> throws <see cref="ArgumentException"/> (parameter
/// <c>request</c>) before anything is written when a path is also a directory of another (<c>model</c> and
/// <c>model/weights.bin</c>) or when two paths or directories differ only in case (<c>Model.zip</c> and <c>model.zip</c>).
/// The PostgreSQL registry applies the same rules. Model names that differ only in case (<c>Taxi</c> and <c>taxi</c>)
/// are refused here with <see cref="RegistryErrorCode.AlreadyExists"/> on every operating system, since they would share
/// one directory on Windows and macOS; the PostgreSQL registry keeps them apart.</para>
/// <para>The audit trail is <c>audit.jsonl</c> per model, with any event a change stored in its state file but could not
/// yet append (a full disk), so a change that was made is always in <see cref="ModelRegistry.QueryAuditAsync"/>. A torn
/// last line (a writer killed mid-append) is skipped and cut by the next append; any other invalid line fails the query
/// with <see cref="RegistryErrorCode.CorruptData"/> naming the file and line.</para>
/// <para>Version numbers are gap-free: a number is allocated under the lock together with its pending version file, so
/// a registration that is killed leaves a <see cref="ModelVersionStatus.Pending"/> version (never served, never reused)
/// rather than a gap or a duplicate.</para>
/// </remarks>
public sealed partial class FileSystemModelRegistry : ModelRegistry, IDisposable
{
    /// <summary>The schema version this implementation writes and the highest it reads.</summary>
    public const int CurrentSchemaVersion = 1;

    private const string ModelFileName = "model.json";
    private const string ApprovalsFileName = "approvals.json";
    private const string AuditFileName = "audit.jsonl";
    private const string PendingAuditProperty = "pendingAudit";

    /// <summary>The longest wait between two attempts to take a contended lock file.</summary>
    private static readonly TimeSpan LockMaxBackoff = TimeSpan.FromMilliseconds(50);

    private readonly string _modelsDir;
    private readonly string _lockPath;
    private readonly string _schemaPath;
    private readonly FileSystemArtifactStore _artifacts;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _lockTimeout;
    private readonly string _defaultActor;
    private readonly bool _watchForChanges;
    private readonly SemaphoreSlim _inProcess = new(1, 1);
    private readonly Lock _watcherLock = new();
    private FileSystemWatcher? _watcher;
    private Action<string>? _fault;
    private volatile bool _schemaChecked;

    /// <summary>Opens (or, on first write, creates) a registry directory.</summary>
    /// <param name="options">The options; <see cref="FileSystemRegistryOptions.RootPath"/> is required.</param>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FileSystemModelRegistry(FileSystemRegistryOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : base(LoggerOf(loggerFactory))
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResult validation = new FileSystemOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        RootPath = Path.GetFullPath(options.RootPath);
        _modelsDir = Path.Combine(RootPath, "models");
        _lockPath = Path.Combine(RootPath, "registry.lock");
        _schemaPath = Path.Combine(RootPath, "schema.json");
        _artifacts = new FileSystemArtifactStore(Path.Combine(RootPath, "artifacts"));
        _time = timeProvider ?? TimeProvider.System;
        _logger = LoggerOf(loggerFactory);
        _lockTimeout = options.LockTimeout;
        _defaultActor = options.DefaultActor ?? $"{Environment.UserName}@{Environment.MachineName}";
        _watchForChanges = options.WatchForChanges;
        Core = new RegistryCore(new Store(this), _defaultActor, _logger, options.MaxRolloutDecisions);
    }

    private static ILogger LoggerOf(ILoggerFactory? loggerFactory) => (ILogger?)loggerFactory?.CreateLogger("MLOps.Registry") ?? NullLogger.Instance;

    /// <summary>Gets the full path of the registry directory.</summary>
    public string RootPath { get; }

    /// <summary>Gets the artifact store the registry keeps its files in.</summary>
    internal FileSystemArtifactStore Artifacts => _artifacts;

    /// <summary>Test hook: called at named points of a write (crash-injection tests kill the process there).</summary>
    internal Action<string>? Fault
    {
        get => _fault;
        set
        {
            _fault = value;
            _artifacts.Fault = value;
        }
    }
}
