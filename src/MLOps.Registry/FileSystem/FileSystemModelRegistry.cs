using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

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
/// <para>Version numbers are gap-free: a number is allocated under the lock together with its pending version file, so
/// a registration that is killed leaves a <see cref="ModelVersionStatus.Pending"/> version (never served, never reused)
/// rather than a gap or a duplicate.</para>
/// </remarks>
public sealed class FileSystemModelRegistry : IModelRegistry, IDisposable
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
    private readonly object _subscribersLock = new();
    private ImmutableArray<Action<RegistryChange>> _subscribers = [];
    private FileSystemWatcher? _watcher;
    private Action<string>? _fault;
    private volatile bool _schemaChecked;
    private bool _disposed;

    /// <summary>Opens (or, on first write, creates) a registry directory.</summary>
    /// <param name="options">The options; <see cref="FileSystemRegistryOptions.RootPath"/> is required.</param>
    /// <param name="timeProvider">The clock for timestamps, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory, or <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public FileSystemModelRegistry(FileSystemRegistryOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResult validation = new FileSystemRegistryOptionsValidator().Validate(null, options);
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
        _logger = (ILogger?)loggerFactory?.CreateLogger("MLOps.Registry") ?? NullLogger.Instance;
        _lockTimeout = options.LockTimeout;
        _defaultActor = options.DefaultActor ?? $"{Environment.UserName}@{Environment.MachineName}";
        _watchForChanges = options.WatchForChanges;
    }

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

    // ---------------------------------------------------------------- models

    /// <inheritdoc/>
    public async Task<RegisteredModel> CreateModelAsync(CreateModelRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        RegistryValidation.Text(request.Description, nameof(request));
        RegistryValidation.Tags(request.Tags, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        RegisteredModel model;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                if (File.Exists(ModelFile(name)))
                {
                    throw new ModelRegistryException(RegistryErrorCode.AlreadyExists, $"A registered model named '{name}' already exists.");
                }

                DateTimeOffset now = _time.GetUtcNow();
                model = new RegisteredModel
                {
                    Name = name,
                    Description = request.Description,
                    Tags = Copy(request.Tags),
                    CreatedAt = now,
                    UpdatedAt = now,
                    CreatedBy = actor,
                };
                await CreateModelFilesAsync(model, actor, now).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Creating model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.ModelCreated, name));
        return model;
    }

    /// <inheritdoc/>
    public async Task<RegisteredModel?> GetModelAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        return (await ReadModelAsync(name, cancellationToken).ConfigureAwait(false))?.Model;
    }

    /// <inheritdoc/>
    /// <remarks>A model whose <c>model.json</c> is corrupt fails the search with <see cref="RegistryErrorCode.CorruptData"/>
    /// naming the file: a listing never leaves a model out silently.</remarks>
    public async Task<IReadOnlyList<RegisteredModel>> SearchModelsAsync(ModelSearchQuery? query = null, CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        var result = new List<RegisteredModel>();
        foreach (ModelName name in EnumerateModelNames())
        {
            if (query?.NamePrefix is { } prefix && !name.Value.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            RegisteredModel? model = (await ReadModelAsync(name, cancellationToken).ConfigureAwait(false))?.Model;
            if (model is null
                || (query?.TagKey is { } key && (!model.Tags.TryGetValue(key, out string? value) || (query.TagValue is { } expected && value != expected)))
                || (query?.Alias is { } alias && !model.Aliases.ContainsKey(alias))
                || (query?.CreatedAfter is { } after && model.CreatedAt <= after))
            {
                continue;
            }

            result.Add(model);
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task<RegisteredModel> UpdateModelAsync(UpdateModelRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        RegistryValidation.Text(request.Description, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        RegistryValidation.Tags(request.SetTags, nameof(request));
        RegistryValidation.TagKeys(request.RemoveTags, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        RegisteredModel updated;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                ModelDocument document = await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                RegisteredModel before = document.Model;
                DateTimeOffset now = _time.GetUtcNow();
                updated = before with
                {
                    Description = request.Description ?? before.Description,
                    Tags = ApplyTags(before.Tags, request.SetTags, request.RemoveTags),
                    UpdatedAt = now,
                };
                document.Model = updated;
                await CommitModelAsync(document, Audit(now, actor, AuditActions.ModelUpdated, name, name.Value,
                    Summary(new { before.Description, before.Tags }), Summary(new { updated.Description, updated.Tags }), request.Reason)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Updating model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.ModelUpdated, name));
        return updated;
    }

    // ---------------------------------------------------------------- versions

    /// <inheritdoc/>
    /// <remarks>
    /// A storage failure (a full disk, a file size limit) before the version number is allocated changes nothing; after it,
    /// the version is marked <see cref="ModelVersionStatus.Failed"/> (never served, its number never reused). Either way
    /// the <see cref="ModelRegistryException"/> (<see cref="RegistryErrorCode.Storage"/>) carries the cause, and a retry
    /// registers a new version.
    /// </remarks>
    public async Task<RegisteredModelVersion> RegisterVersionAsync(RegisterVersionRequest request, CancellationToken cancellationToken = default)
    {
        string primary = RegistryValidation.Register(request, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        ModelName name = request.Name;

        // 1. Allocate the number and write the pending version, under the lock.
        ModelVersion version = default;
        bool allocated = false;
        bool modelCreated = false;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                DateTimeOffset now = _time.GetUtcNow();
                ModelDocument? document = await ReadModelAsync(name, cancellationToken).ConfigureAwait(false);
                if (document is null)
                {
                    if (!request.CreateModelIfMissing)
                    {
                        throw NotFound($"Registered model '{name}' does not exist (CreateModelIfMissing is false).");
                    }

                    var model = new RegisteredModel { Name = name, CreatedAt = now, UpdatedAt = now, CreatedBy = actor };
                    document = await CreateModelFilesAsync(model, actor, now).ConfigureAwait(false);
                    modelCreated = true;
                }

                int number = (document.Model.LatestVersion?.Number ?? 0) + 1;
                while (File.Exists(VersionFile(name, number)))
                {
                    number++; // a version file written by a writer killed before it updated model.json
                }

                version = new ModelVersion(number);
                var pending = new RegisteredModelVersion
                {
                    Name = name,
                    Version = version,
                    Status = ModelVersionStatus.Pending,
                    Description = request.Description,
                    PrimaryArtifactPath = primary,
                    Metrics = Copy(request.Metrics),
                    Params = Copy(request.Params),
                    Tags = Copy(request.Tags),
                    Signature = request.Signature,
                    Lineage = request.Lineage,
                    CreatedAt = now,
                    UpdatedAt = now,
                    CreatedBy = actor,
                };
                DirectorySync.CreateDirectory(VersionsDir(name));
                await CommitVersionAsync(pending, null, Audit(now, actor, AuditActions.VersionCreated, name, AliasRules.Target(name, version), null, nameof(ModelVersionStatus.Pending), null))
                    .ConfigureAwait(false);
                allocated = true;
                Fault?.Invoke("version-pending-written");
                document.Model = document.Model with { LatestVersion = version, UpdatedAt = now };
                await CommitModelAsync(document, null).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (!allocated && IsStorageFailure(ex))
        {
            if (modelCreated)
            {
                Raise(new RegistryChange(RegistryChangeKind.ModelCreated, name));
            }

            throw StorageFailure($"Registering a version of model '{name}'", ex);
        }
        catch (Exception ex) when (allocated)
        {
            // The number is taken (its pending file is written): mark the version failed, so it is never left pending.
            Log.RegistrationFailed(_logger, ex, name.Value, version);
            await MarkFailedAsync(name, version, actor, ex.Message).ConfigureAwait(false);
            if (IsStorageFailure(ex))
            {
                throw new ModelRegistryException(RegistryErrorCode.Storage, $"Registering version {version} of model '{name}' failed: {ex.Message} The version is marked Failed; retry to register a new version.", ex);
            }

            throw;
        }

        if (modelCreated)
        {
            Raise(new RegistryChange(RegistryChangeKind.ModelCreated, name));
        }

        Raise(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));

        // 2. Store the artifacts without holding the lock (they may be large), then mark the version ready.
        Exception? callerFailure = null;   // a failure of the caller's own artifact stream is rethrown as it is
        try
        {
            var artifacts = new List<ArtifactDescriptor>(request.Artifacts.Count);
            foreach (ModelArtifact artifact in request.Artifacts)
            {
                Stream content;
                try
                {
                    content = await artifact.OpenReadAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    callerFailure = ex;
                    throw;
                }

                await using (content.ConfigureAwait(false))
                {
                    var source = new CallerStream(content);
                    try
                    {
                        ArtifactDescriptor stored = await _artifacts.PutAsync(FileKey(name, version, artifact.Path), source, cancellationToken).ConfigureAwait(false);
                        artifacts.Add(stored with { Path = artifact.Path });
                    }
                    finally
                    {
                        callerFailure ??= source.Failure;
                    }
                }
            }

            ArtifactDescriptor? profile = request.ReferenceProfile is { } p
                ? await StoreProfileAsync(name, version, p, cancellationToken).ConfigureAwait(false)
                : null;
            Fault?.Invoke("artifacts-stored");

            RegisteredModelVersion ready;
            using (await LockAsync(CancellationToken.None).ConfigureAwait(false))
            {
                (RegisteredModelVersion current, List<PendingAuditEvent>? carried) = await ReadVersionForWriteAsync(name, version.Number).ConfigureAwait(false)
                    ?? throw new ModelRegistryException(RegistryErrorCode.Storage, $"The pending version file of {name}/{version} disappeared.");
                DateTimeOffset now = _time.GetUtcNow();
                ready = current with
                {
                    Status = ModelVersionStatus.Ready,
                    Artifacts = artifacts,
                    ReferenceProfile = profile,
                    ReferenceProfileContentType = request.ReferenceProfile?.ContentType,
                    UpdatedAt = now,
                };
                await CommitVersionAsync(ready, carried, Audit(now, actor, AuditActions.VersionStatusChanged, name, AliasRules.Target(name, version),
                    nameof(ModelVersionStatus.Pending), nameof(ModelVersionStatus.Ready), null)).ConfigureAwait(false);
            }

            Log.VersionRegistered(_logger, name.Value, version, artifacts.Count, actor);
            Raise(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));
            return ready;
        }
        catch (Exception ex)
        {
            Log.RegistrationFailed(_logger, ex, name.Value, version);
            await MarkFailedAsync(name, version, actor, ex is OperationCanceledException ? "Registration was cancelled." : ex.Message).ConfigureAwait(false);
            if (IsStorageFailure(ex) && !ReferenceEquals(ex, callerFailure))
            {
                throw new ModelRegistryException(RegistryErrorCode.Storage, $"Registering version {version} of model '{name}' failed: {ex.Message} The version is marked Failed; retry to register a new version.", ex);
            }

            throw;
        }
    }

    /// <inheritdoc/>
    public async Task<RegisteredModelVersion?> GetVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        RegistryValidation.Version(version, nameof(version));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        return await ReadVersionAsync(name, version.Number, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<RegisteredModelVersion?> ResolveAsync(ModelReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.Version is { } fixedVersion)
        {
            return await GetVersionAsync(reference.Name, fixedVersion, cancellationToken).ConfigureAwait(false);
        }

        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        ModelDocument? document = await ReadModelAsync(reference.Name, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            return null;
        }

        if (reference.Alias is { } alias)
        {
            if (!document.Model.Aliases.TryGetValue(alias, out ModelVersion target))
            {
                return null;
            }

            // An alias always points at a version that exists: a missing file is damage, not "no such alias".
            return await ReadVersionAsync(reference.Name, target.Number, cancellationToken).ConfigureAwait(false)
                ?? throw RegistryFileCheck.Corrupt(VersionFile(reference.Name, target.Number), $"alias '{alias}' in '{ModelFile(reference.Name)}' points to version {target}, whose file is missing");
        }

        for (int n = document.Model.LatestVersion?.Number ?? 0; n >= 1; n--)
        {
            RegisteredModelVersion? candidate = await ReadVersionAsync(reference.Name, n, cancellationToken).ConfigureAwait(false);
            if (candidate?.Status == ModelVersionStatus.Ready)
            {
                return candidate;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    /// <remarks>A corrupt version file fails the listing with <see cref="RegistryErrorCode.CorruptData"/> naming the file: a
    /// listing never leaves a version out silently.</remarks>
    public async Task<IReadOnlyList<RegisteredModelVersion>> ListVersionsAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        List<int> numbers = VersionNumbers(name);
        var versions = new List<RegisteredModelVersion>(numbers.Count);
        foreach (int n in numbers)
        {
            // Small local files: a synchronous read and span deserialization is several times cheaper than async I/O here.
            cancellationToken.ThrowIfCancellationRequested();
            string path = VersionFile(name, n);
            if (ReadBytes(path) is { } bytes)
            {
                versions.Add(RegistryFileCheck.Version(Parse<RegisteredModelVersion>(bytes, path), path, name, n));
            }
        }

        return versions;
    }

    /// <inheritdoc/>
    public async Task<RegisteredModelVersion> UpdateVersionAsync(UpdateVersionRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelVersion version = RegistryValidation.Version(request.Version, nameof(request));
        RegistryValidation.Text(request.Description, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        RegistryValidation.Tags(request.SetTags, nameof(request));
        RegistryValidation.TagKeys(request.RemoveTags, nameof(request));
        RegistryValidation.Metrics(request.Metrics, nameof(request));
        RegistryValidation.Params(request.Params, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        RegisteredModelVersion updated;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                (RegisteredModelVersion current, List<PendingAuditEvent>? carried) = await ReadVersionForWriteAsync(name, version.Number).ConfigureAwait(false)
                    ?? throw NotFound($"Version {version} of model '{name}' does not exist.");
                if (request.Params is { Count: > 0 } newParams)
                {
                    string[] existing = [.. newParams.Keys.Where(current.Params.ContainsKey).Order(StringComparer.Ordinal)];
                    if (existing.Length > 0)
                    {
                        throw new ModelRegistryException(
                            RegistryErrorCode.ParamAlreadyLogged,
                            $"Parameter(s) {string.Join(", ", existing.Select(k => $"'{k}'"))} of {name}/{version} are already logged; parameters are write-once. Nothing was changed.");
                    }
                }

                DateTimeOffset now = _time.GetUtcNow();
                var metrics = new Dictionary<string, double>(current.Metrics);
                foreach ((string key, double value) in request.Metrics ?? new Dictionary<string, double>())
                {
                    metrics[key] = value;
                }

                var parameters = new Dictionary<string, string>(current.Params);
                foreach ((string key, string value) in request.Params ?? new Dictionary<string, string>())
                {
                    parameters[key] = value;
                }

                updated = current with
                {
                    Description = request.Description ?? current.Description,
                    Tags = ApplyTags(current.Tags, request.SetTags, request.RemoveTags),
                    Metrics = metrics,
                    Params = parameters,
                    UpdatedAt = now,
                };
                await CommitVersionAsync(updated, carried, Audit(now, actor, AuditActions.VersionUpdated, name, AliasRules.Target(name, version),
                    Summary(new { current.Description, current.Tags, current.Metrics, current.Params }),
                    Summary(new { updated.Description, updated.Tags, updated.Metrics, updated.Params }),
                    request.Reason)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Updating version {version} of model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));
        return updated;
    }

    /// <inheritdoc/>
    public async Task<Stream> OpenArtifactAsync(ModelName name, ModelVersion version, string? path = null, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        RegistryValidation.Version(version, nameof(version));
        if (path is not null)
        {
            ModelArtifact.ValidatePath(path, nameof(path));
        }

        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        RegisteredModelVersion v = await RequireVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        string wanted = path ?? v.PrimaryArtifactPath;
        ArtifactDescriptor descriptor = v.Artifacts.FirstOrDefault(a => a.Path == wanted)
            ?? throw (v.Status == ModelVersionStatus.Ready
                ? NotFound($"Version {version} of model '{name}' has no artifact '{wanted}'.")
                : new ModelRegistryException(RegistryErrorCode.InvalidState, $"Version {version} of model '{name}' is {v.Status}; its artifacts are not available."));
        return await _artifacts.OpenReadAsync(descriptor with { Path = FileKey(name, version, descriptor.Path) }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<RegisteredModelVersion> SetReferenceProfileAsync(
        ModelName name, ModelVersion version, ReferenceProfileBlob profile, string? actor = null, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        RegistryValidation.Version(version, nameof(version));
        ArgumentNullException.ThrowIfNull(profile);
        RegistryValidation.Profile(profile, nameof(profile));
        string who = RegistryValidation.Actor(actor, _defaultActor, nameof(actor));
        RegisteredModelVersion updated;
        ArtifactDescriptor? previous;
        ArtifactDescriptor? stored = null;
        bool committed = false;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            if (await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false) is null)
            {
                throw NotFound($"Version {version} of model '{name}' does not exist.");
            }

            stored = await StoreProfileAsync(name, version, profile, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                (RegisteredModelVersion current, List<PendingAuditEvent>? carried) = await ReadVersionForWriteAsync(name, version.Number).ConfigureAwait(false)
                    ?? throw NotFound($"Version {version} of model '{name}' does not exist.");
                previous = current.ReferenceProfile;
                DateTimeOffset now = _time.GetUtcNow();
                updated = current with { ReferenceProfile = stored, ReferenceProfileContentType = profile.ContentType, UpdatedAt = now };
                await CommitVersionAsync(updated, carried, Audit(now, who, AuditActions.ReferenceProfileSet, name, AliasRules.Target(name, version),
                    previous?.Sha256, stored.Sha256, null)).ConfigureAwait(false);
                committed = true;
            }
        }
        catch (Exception ex) when (!committed && stored is not null)
        {
            await TryDeleteArtifactAsync(name, version, stored.Path).ConfigureAwait(false);   // the new profile is referenced by nothing
            if (IsStorageFailure(ex))
            {
                throw StorageFailure($"Setting the reference profile of version {version} of model '{name}'", ex);
            }

            throw;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Setting the reference profile of version {version} of model '{name}'", ex);
        }

        if (previous is not null && previous.Path != stored.Path)
        {
            await TryDeleteArtifactAsync(name, version, previous.Path).ConfigureAwait(false);
        }

        Raise(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));
        return updated;
    }

    /// <inheritdoc/>
    public async Task<ReferenceProfileBlob?> GetReferenceProfileAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default)
    {
        RegisteredModelVersion? v = await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (v?.ReferenceProfile is not { } descriptor)
        {
            return null;
        }

        Stream stream = await _artifacts.OpenReadAsync(descriptor with { Path = VersionKey(name, version, descriptor.Path) }, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return new ReferenceProfileBlob(v.ReferenceProfileContentType ?? "application/octet-stream", buffer.ToArray());
        }
    }

    // ---------------------------------------------------------------- aliases

    /// <inheritdoc/>
    /// <remarks>The move and its audit event are one atomic write of <c>model.json</c>: a storage failure leaves the alias
    /// where it was (a <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.Storage"/>, safe to retry);
    /// a promotion that returns is recorded in the audit trail.</remarks>
    public async Task<AliasHistoryEntry> PromoteAsync(PromoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelVersion version = RegistryValidation.Version(request.Version, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        AliasHistoryEntry entry;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                ModelDocument document = await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                RegisteredModelVersion candidate = await RequireVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
                if (candidate.Status != ModelVersionStatus.Ready)
                {
                    throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"Version {version} of model '{name}' is {candidate.Status}; only ready versions can be promoted.");
                }

                long revision = CheckRevision(document, name, alias, request.ExpectedRevision);
                ModelVersion? previous = document.Model.Aliases.TryGetValue(alias, out ModelVersion held) ? held : null;
                RegisteredModelVersion? holder = previous is { } p
                    ? await ReadVersionAsync(name, p.Number, cancellationToken).ConfigureAwait(false)
                    : null;
                IReadOnlyList<PromotionApproval> approvals = [.. (await ReadApprovalsAsync(name, cancellationToken).ConfigureAwait(false))
                    .Where(a => a.Version == version && a.Alias == alias)];
                List<string> failures = AliasRules.EvaluateGates(request.Gates, new PromotionGateContext(alias, candidate, holder, approvals));
                DateTimeOffset now = _time.GetUtcNow();
                if (failures.Count > 0)
                {
                    await AppendAuditOnlyAsync(name, Audit(now, actor, AuditActions.PromotionRejected, name, AliasRules.Target(name, alias),
                        previous?.ToString(), version.ToString(), string.Join("; ", failures))).ConfigureAwait(false);
                    Log.PromotionRejected(_logger, name.Value, version, alias.Value, string.Join("; ", failures));
                    throw new PromotionRejectedException(ModelReference.ForVersion(name, version), alias, failures);
                }

                entry = new AliasHistoryEntry
                {
                    Name = name,
                    Alias = alias,
                    Revision = revision + 1,
                    Action = AliasAction.Promote,
                    Version = version,
                    PreviousVersion = previous,
                    Actor = actor,
                    Reason = request.Reason,
                    Timestamp = now,
                };
                await MoveAliasAsync(document, entry, AuditActions.AliasPromoted).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Promoting version {version} of model '{name}' to '{alias}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.AliasChanged, name, version, alias));
        return entry;
    }

    /// <inheritdoc/>
    public async Task<AliasHistoryEntry> RollbackAsync(RollbackRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        AliasHistoryEntry entry;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                ModelDocument document = await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                long revision = CheckRevision(document, name, alias, request.ExpectedRevision);
                ModelVersion target = AliasRules.RollbackTarget(document.AliasHistory.Where(h => h.Alias == alias))
                    ?? throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"Alias '{alias}' of model '{name}' has no previous holder to roll back to.");
                RegisteredModelVersion targetVersion = await RequireVersionAsync(name, target, cancellationToken).ConfigureAwait(false);
                if (targetVersion.Status != ModelVersionStatus.Ready)
                {
                    throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"The previous holder, version {target}, is {targetVersion.Status}.");
                }

                entry = new AliasHistoryEntry
                {
                    Name = name,
                    Alias = alias,
                    Revision = revision + 1,
                    Action = AliasAction.Rollback,
                    Version = target,
                    PreviousVersion = document.Model.Aliases.TryGetValue(alias, out ModelVersion held) ? held : null,
                    Actor = actor,
                    Reason = request.Reason,
                    Timestamp = _time.GetUtcNow(),
                };
                await MoveAliasAsync(document, entry, AuditActions.AliasRolledBack).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Rolling back alias '{alias}' of model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.AliasChanged, name, entry.Version, alias));
        return entry;
    }

    /// <inheritdoc/>
    public async Task<AliasHistoryEntry> RemoveAliasAsync(RemoveAliasRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        AliasHistoryEntry entry;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                ModelDocument document = await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                long revision = CheckRevision(document, name, alias, request.ExpectedRevision);
                if (!document.Model.Aliases.TryGetValue(alias, out ModelVersion held))
                {
                    throw NotFound($"Alias '{alias}' of model '{name}' is not assigned.");
                }

                entry = new AliasHistoryEntry
                {
                    Name = name,
                    Alias = alias,
                    Revision = revision + 1,
                    Action = AliasAction.Remove,
                    Version = null,
                    PreviousVersion = held,
                    Actor = actor,
                    Reason = request.Reason,
                    Timestamp = _time.GetUtcNow(),
                };
                await MoveAliasAsync(document, entry, AuditActions.AliasRemoved).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Removing alias '{alias}' of model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.AliasChanged, name, null, alias));
        return entry;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AliasHistoryEntry>> GetAliasHistoryAsync(ModelName name, ModelAlias? alias = null, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        ModelDocument? document = await ReadModelAsync(name, cancellationToken).ConfigureAwait(false);
        return document is null ? [] : [.. document.AliasHistory.Where(h => alias is null || h.Alias == alias.Value)];
    }

    // ---------------------------------------------------------------- approvals

    /// <inheritdoc/>
    public async Task<PromotionApproval> RequestApprovalAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ModelName name = RegistryValidation.Name(request.Name, nameof(request));
        ModelVersion version = RegistryValidation.Version(request.Version, nameof(request));
        ModelAlias alias = RegistryValidation.Alias(request.Alias, nameof(request));
        RegistryValidation.Text(request.Reason, nameof(request));
        string actor = RegistryValidation.Actor(request.Actor, _defaultActor, nameof(request));
        PromotionApproval approval;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                await RequireVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
                (List<PromotionApproval> approvals, List<PendingAuditEvent> carried) = await ReadApprovalsForWriteAsync(name, cancellationToken).ConfigureAwait(false);
                DateTimeOffset now = _time.GetUtcNow();
                approval = new PromotionApproval
                {
                    Id = Guid.NewGuid().ToString("N")[..16],
                    Name = name,
                    Version = version,
                    Alias = alias,
                    State = ApprovalState.Pending,
                    RequestedBy = actor,
                    RequestedAt = now,
                    Reason = request.Reason,
                };
                approvals.Add(approval);
                await CommitApprovalsAsync(name, approvals, carried, approvals.Count - 1, Audit(now, actor, AuditActions.ApprovalRequested, name, AliasRules.ApprovalTarget(approval),
                    null, nameof(ApprovalState.Pending), request.Reason)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Requesting approval to promote version {version} of model '{name}' to '{alias}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.ApprovalChanged, name, version, alias));
        return approval;
    }

    /// <inheritdoc/>
    public async Task<PromotionApproval> DecideApprovalAsync(ApprovalDecision decision, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        ModelName name = RegistryValidation.Name(decision.Name, nameof(decision));
        ArgumentException.ThrowIfNullOrWhiteSpace(decision.ApprovalId, nameof(decision));
        RegistryValidation.Text(decision.Reason, nameof(decision));
        string actor = RegistryValidation.Actor(decision.Actor, _defaultActor, nameof(decision));
        PromotionApproval decided;
        try
        {
            await EnsureSchemaAsync(forWrite: true, cancellationToken).ConfigureAwait(false);
            using (await LockAsync(cancellationToken).ConfigureAwait(false))
            {
                await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
                (List<PromotionApproval> approvals, List<PendingAuditEvent> carried) = await ReadApprovalsForWriteAsync(name, cancellationToken).ConfigureAwait(false);
                int index = approvals.FindIndex(a => a.Id == decision.ApprovalId);
                if (index < 0)
                {
                    throw NotFound($"Model '{name}' has no approval request '{decision.ApprovalId}'.");
                }

                PromotionApproval current = approvals[index];
                if (current.State != ApprovalState.Pending)
                {
                    throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"Approval request '{current.Id}' was already {current.State.ToString().ToLowerInvariant()} by {current.DecidedBy}.");
                }

                if (string.Equals(current.RequestedBy, actor, StringComparison.Ordinal))
                {
                    throw new ModelRegistryException(RegistryErrorCode.InvalidState, $"'{actor}' requested approval '{current.Id}' and cannot decide it; another actor must.");
                }

                DateTimeOffset now = _time.GetUtcNow();
                decided = current with
                {
                    State = decision.Approve ? ApprovalState.Approved : ApprovalState.Rejected,
                    DecidedBy = actor,
                    DecidedAt = now,
                    DecisionReason = decision.Reason,
                };
                approvals[index] = decided;
                await CommitApprovalsAsync(name, approvals, carried, index, Audit(now, actor, AuditActions.ApprovalDecided, name, AliasRules.ApprovalTarget(current),
                    nameof(ApprovalState.Pending), decided.State.ToString(), decision.Reason)).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw StorageFailure($"Deciding approval '{decision.ApprovalId}' of model '{name}'", ex);
        }

        Raise(new RegistryChange(RegistryChangeKind.ApprovalChanged, name, decided.Version, decided.Alias));
        return decided;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<PromotionApproval>> ListApprovalsAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RegistryValidation.Name(name, nameof(name));
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        return await ReadApprovalsAsync(name, cancellationToken).ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- audit

    /// <inheritdoc/>
    /// <remarks>
    /// The events of <c>audit.jsonl</c>, with any event a change stored in its state file but could not yet append (a full
    /// disk): a change that was made is always in the trail. A torn last line (a writer killed mid-append) is skipped and
    /// cut by the next append; any other line that is not a valid event fails the query with
    /// <see cref="RegistryErrorCode.CorruptData"/> naming the file and line.
    /// </remarks>
    public async Task<IReadOnlyList<AuditEvent>> QueryAuditAsync(AuditQuery? query = null, CancellationToken cancellationToken = default)
    {
        query ??= new AuditQuery();
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        if (query.Model is { } m)
        {
            RegistryValidation.Name(m, nameof(query));
        }

        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        var events = new List<AuditEvent>();
        IEnumerable<ModelName> models = query.Model is { } only ? [only] : EnumerateModelNames();
        foreach (ModelName name in models)
        {
            string path = AuditFile(name);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var found = new List<AuditEvent>();
            if (await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is { } content)
            {
                int start = 0;
                int lineNumber = 0;
                while (start < content.Length)
                {
                    int newline = Array.IndexOf(content, (byte)'\n', start);
                    if (newline < 0)
                    {
                        break; // a torn last line of a writer killed mid-append; cut by the next append
                    }

                    lineNumber++;
                    ReadOnlySpan<byte> line = content.AsSpan(start, newline - start);
                    start = newline + 1;
                    if (line.IsEmpty)
                    {
                        continue;
                    }

                    string where = $"line {lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                    found.Add(RegistryFileCheck.Audit(ParseLine(line, path, where), path, where, name));
                    if (AuditLog.IdOf(line) is { } id)
                    {
                        ids.Add(id);
                    }
                }
            }

            foreach (PendingAuditEvent pending in await ReadPendingAuditAsync(name, cancellationToken).ConfigureAwait(false))
            {
                if (ids.Add(pending.Id))
                {
                    found.Add(pending.Event);
                }
            }

            events.AddRange(found.Where(e =>
                (query.Action is null || e.Action == query.Action)
                && (query.From is null || e.Timestamp >= query.From)
                && (query.To is null || e.Timestamp < query.To)));
        }

        List<AuditEvent> ordered = [.. events.OrderBy(e => e.Timestamp)];
        return ordered.Count <= query.Limit ? ordered : ordered.GetRange(ordered.Count - query.Limit, query.Limit);
    }

    private static AuditEvent? ParseLine(ReadOnlySpan<byte> line, string path, string where)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditEvent>(line, RegistryJson.Compact);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or NotSupportedException or ArgumentException)
        {
            throw RegistryFileCheck.Corrupt(path, $"{where} is not a valid audit event ({ex.Message})", ex);
        }
    }

    // ---------------------------------------------------------------- change events

    /// <inheritdoc/>
    /// <remarks>Changes made by other processes are detected by a <see cref="FileSystemWatcher"/> and arrive as <see cref="RegistryChangeKind.External"/>.</remarks>
    public IDisposable Subscribe(Action<RegistryChange> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_subscribersLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _subscribers = _subscribers.Add(handler);
            if (_watchForChanges && _watcher is null)
            {
                StartWatcher();
            }
        }

        return new Subscription(this, handler);
    }

    /// <summary>Stops watching the directory.</summary>
    public void Dispose()
    {
        lock (_subscribersLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _subscribers = [];
        }

        _watcher?.Dispose();
    }

    private void Unsubscribe(Action<RegistryChange> handler)
    {
        lock (_subscribersLock)
        {
            _subscribers = _subscribers.Remove(handler);
        }
    }

    private void StartWatcher()
    {
        try
        {
            DirectorySync.CreateDirectory(_modelsDir);
            var watcher = new FileSystemWatcher(_modelsDir)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.DirectoryName,
            };
            watcher.Created += OnFileEvent;
            watcher.Changed += OnFileEvent;
            watcher.Renamed += OnFileEvent;
            watcher.Error += OnWatcherError;
            watcher.EnableRaisingEvents = true;
            _watcher = watcher;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or UnauthorizedAccessException or ArgumentException)
        {
            Log.WatcherUnavailable(_logger, ex, RootPath);
        }
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e)
    {
        string fileName = Path.GetFileName(e.FullPath);
        if (AtomicFile.IsTemp(fileName) || fileName == AuditFileName)
        {
            return;
        }

        string relative = Path.GetRelativePath(_modelsDir, e.FullPath);
        int separator = relative.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal);
        string first = separator < 0 ? relative : relative[..separator];
        if (ModelName.TryParse(first, out ModelName name))
        {
            Raise(new RegistryChange(RegistryChangeKind.External, name));
        }
    }

    /// <summary>
    /// The watcher lost events (its buffer overflowed on a busy machine, or the watch itself failed): which models changed
    /// is unknown, so every model is reported as <see cref="RegistryChangeKind.External"/> and subscribers re-read what
    /// they serve, instead of missing a change until the next one.
    /// </summary>
    internal void OnWatcherError(object? sender, ErrorEventArgs e)
    {
        Log.WatcherFailed(_logger, e.GetException(), RootPath);
        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories(_modelsDir).Select(Path.GetFileName).OfType<string>().ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string directory in directories)
        {
            if (ModelName.TryParse(directory, out ModelName name))
            {
                Raise(new RegistryChange(RegistryChangeKind.External, name));
            }
        }
    }

    /// <summary>Gets or sets a hook called for each change a mutation of this instance publishes (metrics); never for <see cref="RegistryChangeKind.External"/>.</summary>
    internal Action<RegistryChange>? ChangePublished { get; set; }

    private void Raise(RegistryChange change)
    {
        if (change.Kind != RegistryChangeKind.External)
        {
            ChangePublished?.Invoke(change);
        }

        ImmutableArray<Action<RegistryChange>> subscribers = _subscribers;
        foreach (Action<RegistryChange> handler in subscribers)
        {
            ThreadPool.QueueUserWorkItem(
                static state =>
                {
                    try
                    {
                        state.handler(state.change);
                    }
#pragma warning disable CA1031 // a subscriber's exception must not break the registry or other subscribers
                    catch (Exception ex)
#pragma warning restore CA1031
                    {
                        Log.SubscriberFailed(state.logger, ex);
                    }
                },
                (handler, change, logger: _logger),
                preferLocal: false);
        }
    }

    // ---------------------------------------------------------------- storage helpers

    private string ModelDir(ModelName name) => Path.Combine(_modelsDir, name.Value);

    private string ModelFile(ModelName name) => Path.Combine(ModelDir(name), ModelFileName);

    private string VersionsDir(ModelName name) => Path.Combine(ModelDir(name), "versions");

    private string VersionFile(ModelName name, int version) =>
        Path.Combine(VersionsDir(name), version.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json");

    private string ApprovalsFile(ModelName name) => Path.Combine(ModelDir(name), ApprovalsFileName);

    private string AuditFile(ModelName name) => Path.Combine(ModelDir(name), AuditFileName);

    internal static string VersionKey(ModelName name, ModelVersion version, string relative) => $"{name}/{version}/{relative}";

    /// <summary>
    /// The store key of an artifact: <c>&lt;name&gt;/&lt;n&gt;/files/&lt;path&gt;</c>, or, when that would pass the store's key
    /// limit, <c>&lt;name&gt;/&lt;n&gt;/long-paths/&lt;SHA-256 of the path&gt;</c> (<see cref="ArtifactKeys"/>). Derived from the
    /// path alone, so registries written before long paths were supported read unchanged.
    /// </summary>
    internal static string FileKey(ModelName name, ModelVersion version, string artifactPath) =>
        ArtifactKeys.Compose(VersionKey(name, version, string.Empty), "files", artifactPath);

    private async Task<ArtifactDescriptor> StoreProfileAsync(ModelName name, ModelVersion version, ReferenceProfileBlob profile, CancellationToken cancellationToken)
    {
        string relative = "profile/" + Guid.NewGuid().ToString("N") + ".bin";
        using var content = new MemoryStream(profile.Content.ToArray(), writable: false);
        ArtifactDescriptor stored = await _artifacts.PutAsync(VersionKey(name, version, relative), content, cancellationToken).ConfigureAwait(false);
        return stored with { Path = relative };
    }

    private List<ModelName> EnumerateModelNames()
    {
        if (!Directory.Exists(_modelsDir))
        {
            return [];
        }

        var names = new List<ModelName>();
        foreach (string directory in Directory.EnumerateDirectories(_modelsDir))
        {
            if (ModelName.TryParse(Path.GetFileName(directory), out ModelName name))
            {
                names.Add(name);
            }
        }

        names.Sort();
        return names;
    }

    private async Task<ModelDocument> CreateModelFilesAsync(RegisteredModel model, string actor, DateTimeOffset now)
    {
        // "Taxi" and "taxi" are one directory on Windows and macOS: the second would write into the first's files. Refused
        // on every OS, so a registry directory can be copied between operating systems.
        if (await CaseVariantAsync(model.Name).ConfigureAwait(false) is { } existing)
        {
            throw new ModelRegistryException(
                RegistryErrorCode.AlreadyExists,
                $"A registered model named '{existing}' already exists; model names that differ only in case cannot both be stored in a " +
                "file-system registry (Windows and macOS keep them in one directory).");
        }

        string directory = ModelDir(model.Name);
        bool created = !Directory.Exists(directory);
        DirectorySync.CreateDirectory(directory);
        var document = new ModelDocument { Model = model };
        try
        {
            await CommitModelAsync(document, Audit(now, actor, AuditActions.ModelCreated, model.Name, model.Name.Value, null, model.Description, null)).ConfigureAwait(false);
        }
        catch (Exception ex) when (created && IsStorageFailure(ex))
        {
            TryDeleteEmptyDirectory(directory);   // leave nothing behind
            throw;
        }

        return document;
    }

    private static void TryDeleteEmptyDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not empty, or not ours to delete: an empty model directory reads as no model anyway.
        }
    }

    private async Task MoveAliasAsync(ModelDocument document, AliasHistoryEntry entry, string auditAction)
    {
        var aliases = new Dictionary<ModelAlias, ModelVersion>(document.Model.Aliases);
        if (entry.Version is { } target)
        {
            aliases[entry.Alias] = target;
        }
        else
        {
            aliases.Remove(entry.Alias);
        }

        document.Model = document.Model with { Aliases = aliases, UpdatedAt = entry.Timestamp };
        document.AliasHistory.Add(entry);
        await CommitModelAsync(document, Audit(entry.Timestamp, entry.Actor, auditAction, entry.Name, AliasRules.Target(entry.Name, entry.Alias),
            entry.PreviousVersion?.ToString(), entry.Version?.ToString(), entry.Reason)).ConfigureAwait(false);
        Log.AliasMoved(_logger, entry.Name.Value, entry.Alias.Value, entry.PreviousVersion, entry.Version, entry.Action, entry.Actor, entry.Reason);
    }

    private static long CheckRevision(ModelDocument document, ModelName name, ModelAlias alias, long? expected)
    {
        long revision = document.AliasHistory.LongCount(h => h.Alias == alias);
        if (expected is { } e && e != revision)
        {
            throw new RegistryConflictException(
                $"Alias '{alias}' of model '{name}' is at revision {revision}, but revision {e} was expected: it moved concurrently. Re-read and retry.");
        }

        return revision;
    }

    private async Task MarkFailedAsync(ModelName name, ModelVersion version, string actor, string message)
    {
        try
        {
            using (await LockAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (await ReadVersionForWriteAsync(name, version.Number).ConfigureAwait(false) is not { } stored || stored.Version.Status != ModelVersionStatus.Pending)
                {
                    return;
                }

                DateTimeOffset now = _time.GetUtcNow();
                await CommitVersionAsync(stored.Version with { Status = ModelVersionStatus.Failed, StatusMessage = message, UpdatedAt = now }, stored.Pending,
                    Audit(now, actor, AuditActions.VersionStatusChanged, name, AliasRules.Target(name, version), nameof(ModelVersionStatus.Pending), nameof(ModelVersionStatus.Failed), message))
                    .ConfigureAwait(false);
            }

            Raise(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));
        }
        catch (Exception ex) when (IsStorageFailure(ex) || ex is ModelRegistryException)
        {
            // Best effort: the version stays pending, which is never served either.
            Log.MarkFailedFailed(_logger, ex, name.Value, version);
        }
    }

    /// <summary>
    /// Reads a model's document. On a case-insensitive file system, <c>models/taxi/model.json</c> opens the file of a model
    /// named <c>Taxi</c>: a document whose name differs from <paramref name="name"/> only in case is not this model.
    /// </summary>
    private async Task<ModelDocument?> ReadModelAsync(ModelName name, CancellationToken cancellationToken)
    {
        string path = ModelFile(name);
        if (await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return null;
        }

        ModelDocument document = RegistryFileCheck.Model(Parse<ModelDocument>(bytes, path), path, name);
        return document.Model.Name != name ? null : document;
    }

    /// <summary>The name of an existing model directory that differs from <paramref name="name"/> only in case, if any.</summary>
    private async Task<string?> CaseVariantAsync(ModelName name)
    {
        if (!Directory.Exists(_modelsDir))
        {
            return null;
        }

        // On a case-insensitive file system the path of this name opens the other model's file.
        string path = ModelFile(name);
        if (await ReadBytesAsync(path, CancellationToken.None).ConfigureAwait(false) is { } bytes)
        {
            return RegistryFileCheck.Model(Parse<ModelDocument>(bytes, path), path, name).Model.Name.Value;
        }

        foreach (string directory in Directory.EnumerateDirectories(_modelsDir))
        {
            string existing = Path.GetFileName(directory);
            if (string.Equals(existing, name.Value, StringComparison.OrdinalIgnoreCase) && !string.Equals(existing, name.Value, StringComparison.Ordinal))
            {
                return existing;
            }
        }

        return null;
    }

    private async Task<ModelDocument> RequireModelAsync(ModelName name, CancellationToken cancellationToken) =>
        await ReadModelAsync(name, cancellationToken).ConfigureAwait(false) ?? throw NotFound($"Registered model '{name}' does not exist.");

    /// <summary>Reads and checks a version file; <see langword="null"/> if it does not exist.</summary>
    private async Task<RegisteredModelVersion?> ReadVersionAsync(ModelName name, int number, CancellationToken cancellationToken)
    {
        string path = VersionFile(name, number);
        return await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is { } bytes
            ? RegistryFileCheck.Version(Parse<RegisteredModelVersion>(bytes, path), path, name, number)
            : null;
    }

    /// <summary>Reads and checks a version file with the audit events it carries, for a write; <see langword="null"/> if it does not exist.</summary>
    private async Task<(RegisteredModelVersion Version, List<PendingAuditEvent>? Pending)?> ReadVersionForWriteAsync(ModelName name, int number)
    {
        string path = VersionFile(name, number);
        if (await ReadBytesAsync(path, CancellationToken.None).ConfigureAwait(false) is not { } bytes)
        {
            return null;
        }

        RegisteredModelVersion version = RegistryFileCheck.Version(Parse<RegisteredModelVersion>(bytes, path), path, name, number);
        List<PendingAuditEvent>? pending = Parse<PendingHolder>(bytes, path)?.PendingAudit;
        RegistryFileCheck.Pending(pending, path, name);
        return (version, pending);
    }

    private async Task<RegisteredModelVersion> RequireVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken) =>
        await ReadVersionAsync(name, version.Number, cancellationToken).ConfigureAwait(false)
            ?? throw NotFound($"Version {version} of model '{name}' does not exist.");

    private async Task<List<PromotionApproval>> ReadApprovalsAsync(ModelName name, CancellationToken cancellationToken)
    {
        string path = ApprovalsFile(name);
        return await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is { } bytes
            ? RegistryFileCheck.Approvals(Parse<List<PromotionApproval>>(bytes, path), path, name)
            : [];
    }

    /// <summary>Reads the approvals with the audit events each carries, for a write.</summary>
    private async Task<(List<PromotionApproval> Approvals, List<PendingAuditEvent> Pending)> ReadApprovalsForWriteAsync(ModelName name, CancellationToken cancellationToken)
    {
        string path = ApprovalsFile(name);
        if (await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return ([], []);
        }

        List<PromotionApproval> approvals = RegistryFileCheck.Approvals(Parse<List<PromotionApproval>>(bytes, path), path, name);
        List<PendingAuditEvent> pending = [.. (Parse<List<PendingHolder?>>(bytes, path) ?? []).SelectMany(h => h?.PendingAudit ?? [])];
        RegistryFileCheck.Pending(pending, path, name);
        return (approvals, pending);
    }

    /// <summary>The audit events a model's state files carry (normally already in <c>audit.jsonl</c>).</summary>
    private async Task<List<PendingAuditEvent>> ReadPendingAuditAsync(ModelName name, CancellationToken cancellationToken)
    {
        var pending = new List<PendingAuditEvent>();
        if (await ReadModelAsync(name, cancellationToken).ConfigureAwait(false) is not { } document)
        {
            return pending;
        }

        pending.AddRange(document.PendingAudit ?? []);
        pending.AddRange((await ReadApprovalsForWriteAsync(name, cancellationToken).ConfigureAwait(false)).Pending);
        foreach (int number in VersionNumbers(name))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await ReadVersionForWriteAsync(name, number).ConfigureAwait(false) is { Pending: { } carried })
            {
                pending.AddRange(carried);
            }
        }

        return pending;
    }

    /// <summary>The numbers of the version files of a model, ascending (only canonical names: <c>7.json</c>, not <c>007.json</c>).</summary>
    private List<int> VersionNumbers(ModelName name)
    {
        var numbers = new List<int>();
        string directory = VersionsDir(name);
        if (!Directory.Exists(directory))
        {
            return numbers;
        }

        foreach (string file in Directory.EnumerateFiles(directory, "*.json"))
        {
            string stem = Path.GetFileNameWithoutExtension(file);
            if (int.TryParse(stem, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1
                && stem == n.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                numbers.Add(n);
            }
        }

        numbers.Sort();
        return numbers;
    }

    private static ModelRegistryException NotFound(string message) => new(RegistryErrorCode.NotFound, message);

    /// <summary>
    /// Whether an exception of the storage phase (after the arguments were checked) is a failure of the storage: I/O
    /// errors, a full disk, permissions, or a file size limit, which .NET reports as <see cref="ArgumentOutOfRangeException"/>
    /// ("Specified file length was too large for the file system", EFBIG).
    /// </summary>
    private static bool IsStorageFailure(Exception ex) => ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException;

    private ModelRegistryException StorageFailure(string operation, Exception ex) =>
        new(RegistryErrorCode.Storage, $"{operation} failed in the registry at '{RootPath}': {ex.Message} Nothing was changed; it is safe to retry.", ex);

    /// <summary>The file's content, or <see langword="null"/> if it does not exist.</summary>
    private static async Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                byte[] bytes = new byte[stream.Length];
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
                return bytes;
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelRegistryException(RegistryErrorCode.Storage, $"The registry file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The file's content, or <see langword="null"/> if it does not exist (synchronous: small local files).</summary>
    private static byte[]? ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelRegistryException(RegistryErrorCode.Storage, $"The registry file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Deserializes a registry file; JSON that does not fit the record (a wrong type, a missing required field) is <see cref="RegistryErrorCode.CorruptData"/>.</summary>
    private static T? Parse<T>(ReadOnlySpan<byte> bytes, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, RegistryJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or NotSupportedException or ArgumentException)
        {
            throw RegistryFileCheck.Corrupt(path, $"it is not a valid {typeof(T).Name} document ({ex.Message})", ex);
        }
    }

    private Task WriteJsonAsync<T>(string path, T value) =>
        AtomicFile.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(value, RegistryJson.Options), Fault, CancellationToken.None);

    /// <summary>
    /// Replaces <c>model.json</c>. The new audit event is written inside the document, by the same atomic replace that
    /// makes the change (the commit point), and appended to <c>audit.jsonl</c> after it; events the old document carried
    /// that are not in <c>audit.jsonl</c> yet are appended first, or, if that fails too, carried on in the new document.
    /// </summary>
    private async Task CommitModelAsync(ModelDocument document, AuditEvent? auditEvent)
    {
        ModelName name = document.Model.Name;
        List<PendingAuditEvent> pending = await PrepareAuditAsync(name, document.PendingAudit, auditEvent).ConfigureAwait(false);
        document.PendingAudit = pending.Count == 0 ? null : pending;
        await WriteJsonAsync(ModelFile(name), document).ConfigureAwait(false);
        await PublishAuditAsync(name, pending).ConfigureAwait(false);
    }

    /// <summary>Replaces a version file the same way as <see cref="CommitModelAsync"/>.</summary>
    private async Task CommitVersionAsync(RegisteredModelVersion version, List<PendingAuditEvent>? carried, AuditEvent auditEvent)
    {
        List<PendingAuditEvent> pending = await PrepareAuditAsync(version.Name, carried, auditEvent).ConfigureAwait(false);
        JsonObject node = JsonSerializer.SerializeToNode(version, RegistryJson.Options)!.AsObject();
        node[PendingAuditProperty] = JsonSerializer.SerializeToNode(pending, RegistryJson.Options);
        await AtomicFile.WriteAsync(VersionFile(version.Name, version.Version.Number), JsonSerializer.SerializeToUtf8Bytes(node, RegistryJson.Options), Fault, CancellationToken.None)
            .ConfigureAwait(false);
        await PublishAuditAsync(version.Name, pending).ConfigureAwait(false);
    }

    /// <summary>Replaces <c>approvals.json</c> the same way; the events are carried by the approval at <paramref name="changed"/>.</summary>
    private async Task CommitApprovalsAsync(ModelName name, List<PromotionApproval> approvals, List<PendingAuditEvent> carried, int changed, AuditEvent auditEvent)
    {
        List<PendingAuditEvent> pending = await PrepareAuditAsync(name, carried, auditEvent).ConfigureAwait(false);
        JsonArray array = JsonSerializer.SerializeToNode(approvals, RegistryJson.Options)!.AsArray();
        array[changed]![PendingAuditProperty] = JsonSerializer.SerializeToNode(pending, RegistryJson.Options);
        await AtomicFile.WriteAsync(ApprovalsFile(name), JsonSerializer.SerializeToUtf8Bytes(array, RegistryJson.Options), Fault, CancellationToken.None).ConfigureAwait(false);
        await PublishAuditAsync(name, pending).ConfigureAwait(false);
    }

    /// <summary>
    /// The audit events the new state must carry: the carried ones that are still not in <c>audit.jsonl</c> and cannot be
    /// appended now (a full disk), then the new one. Nothing the old state carried is ever dropped unrecorded.
    /// </summary>
    private async Task<List<PendingAuditEvent>> PrepareAuditAsync(ModelName name, List<PendingAuditEvent>? carried, AuditEvent? auditEvent)
    {
        string path = AuditFile(name);
        var pending = new List<PendingAuditEvent>();
        if (carried is { Count: > 0 })
        {
            List<PendingAuditEvent> missing = [.. carried.Where(e => !AuditLog.Contains(path, e))];
            if (missing.Count > 0)
            {
                try
                {
                    await AuditLog.AppendAsync(path, missing, Fault).ConfigureAwait(false);
                    Log.AuditRepaired(_logger, name.Value, missing.Count);
                }
                catch (Exception ex) when (IsStorageFailure(ex))
                {
                    Log.AuditAppendDeferred(_logger, ex, name.Value, missing[0].Event.Action, path);
                    pending.AddRange(missing);
                }
            }
        }

        if (auditEvent is not null)
        {
            pending.Add(new PendingAuditEvent { Id = Guid.NewGuid().ToString("N"), Offset = AuditLog.LengthOf(path), Event = auditEvent });
        }

        return pending;
    }

    /// <summary>
    /// Appends a committed change's events to <c>audit.jsonl</c>. The change is made and its events stored with it, so a
    /// failure here is not the caller's: it is logged, and the events stay pending in the state file until a later write.
    /// </summary>
    private async Task PublishAuditAsync(ModelName name, List<PendingAuditEvent> pending)
    {
        if (pending.Count == 0)
        {
            return;
        }

        try
        {
            // Carried events may have reached the file in a failed append that wrote part of its lines: never twice.
            string path = AuditFile(name);
            await AuditLog.AppendAsync(path, pending.Count == 1 ? pending : pending.Where(e => !AuditLog.Contains(path, e)), Fault).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            Log.AuditAppendDeferred(_logger, ex, name.Value, pending[^1].Event.Action, AuditFile(name));
        }
    }

    /// <summary>Appends an event that goes with no state change (a rejected promotion); a failure is logged.</summary>
    private async Task AppendAuditOnlyAsync(ModelName name, AuditEvent auditEvent)
    {
        var entry = new PendingAuditEvent { Id = Guid.NewGuid().ToString("N"), Offset = 0, Event = auditEvent };
        await PublishAuditAsync(name, [entry]).ConfigureAwait(false);
    }

    private async Task EnsureSchemaAsync(bool forWrite, CancellationToken cancellationToken)
    {
        if (_schemaChecked)
        {
            return;
        }

        if (await ReadSchemaAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (!forWrite)
        {
            return; // an empty (not yet created) registry reads as empty
        }

        DirectorySync.CreateDirectory(RootPath);
        using (await LockAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await ReadSchemaAsync(cancellationToken).ConfigureAwait(false))
            {
                await WriteJsonAsync(_schemaPath, new SchemaDocument { SchemaVersion = CurrentSchemaVersion, CreatedAt = _time.GetUtcNow() }).ConfigureAwait(false);
                _schemaChecked = true;
            }
        }
    }

    private async Task<bool> ReadSchemaAsync(CancellationToken cancellationToken)
    {
        if (await ReadBytesAsync(_schemaPath, cancellationToken).ConfigureAwait(false) is not { } bytes)
        {
            return false;
        }

        SchemaDocument schema = RegistryFileCheck.Schema(Parse<SchemaDocument>(bytes, _schemaPath), _schemaPath);

        if (schema.SchemaVersion > CurrentSchemaVersion)
        {
            throw new UnsupportedRegistrySchemaException(schema.SchemaVersion, CurrentSchemaVersion);
        }

        if (schema.SchemaVersion < 1)
        {
            throw RegistryFileCheck.Corrupt(_schemaPath, $"its schema version {schema.SchemaVersion} is invalid (versions start at 1)");
        }

        _schemaChecked = true;
        return true;
    }

    private async Task<IDisposable> LockAsync(CancellationToken cancellationToken)
    {
        if (!await _inProcess.WaitAsync(_lockTimeout, cancellationToken).ConfigureAwait(false))
        {
            throw new ModelRegistryException(RegistryErrorCode.LockTimeout, $"Timed out after {_lockTimeout.TotalSeconds:0.#} s waiting for another operation of this registry instance.");
        }

        try
        {
            DirectorySync.CreateDirectory(RootPath);
            // The lock timeout is a wall-clock budget, so the system clock: the injected TimeProvider stamps records, and a
            // fake one that is not advanced would make a contended lock wait forever.
            FileLock fileLock = await FileLock.AcquireAsync(
                _lockPath, _lockTimeout, LockMaxBackoff, TimeProvider.System, () => Log.LockContended(_logger, _lockPath), LockTimedOut, cancellationToken)
                .ConfigureAwait(false);
            return new Releaser(fileLock, _inProcess);
        }
        catch
        {
            _inProcess.Release();
            throw;
        }
    }

    private ModelRegistryException LockTimedOut() => new(
        RegistryErrorCode.LockTimeout,
        $"The registry lock file '{_lockPath}' is held by another process or instance; gave up after {_lockTimeout.TotalSeconds:0.#} s. " +
        "Retry, or raise FileSystemRegistryOptions.LockTimeout.");

    private static AuditEvent Audit(DateTimeOffset now, string actor, string action, ModelName model, string target, string? before, string? after, string? reason) =>
        new()
        {
            Timestamp = now,
            Actor = actor,
            Action = action,
            Model = model,
            Target = target,
            Before = before,
            After = after,
            Reason = reason,
        };

    private static string Summary<T>(T value) => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(value, RegistryJson.Compact));

    private static Dictionary<string, TValue> Copy<TValue>(IReadOnlyDictionary<string, TValue>? source) =>
        source is null ? [] : new Dictionary<string, TValue>(source, StringComparer.Ordinal);

    private static Dictionary<string, string> ApplyTags(IReadOnlyDictionary<string, string> current, IReadOnlyDictionary<string, string>? set, IReadOnlyList<string>? remove)
    {
        var tags = new Dictionary<string, string>(current, StringComparer.Ordinal);
        foreach (string key in remove ?? [])
        {
            tags.Remove(key);
        }

        foreach ((string key, string value) in set ?? new Dictionary<string, string>())
        {
            tags[key] = value;
        }

        return tags;
    }

    private async Task TryDeleteArtifactAsync(ModelName name, ModelVersion version, string relative)
    {
        try
        {
            await _artifacts.DeleteAsync(VersionKey(name, version, relative), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            Log.ArtifactCleanupFailed(_logger, ex, VersionKey(name, version, relative));   // an unreferenced file; harmless
        }
    }

    /// <summary>The audit events a version file or an approval carries (the rest of the record is ignored).</summary>
    private sealed class PendingHolder
    {
        public List<PendingAuditEvent>? PendingAudit { get; set; }
    }

    private sealed class Releaser(FileLock fileLock, SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose()
        {
            fileLock.Dispose();
            semaphore.Release();
        }
    }

    private sealed class Subscription(FileSystemModelRegistry registry, Action<RegistryChange> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                registry.Unsubscribe(handler);
            }
        }
    }
}
