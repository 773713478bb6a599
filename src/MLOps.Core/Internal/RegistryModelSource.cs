using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Primitives;
using MLOps.Internal.Rollouts;

namespace MLOps.Internal;

/// <summary>
/// Serves the version a <see cref="ModelReference"/> designates in an <see cref="IModelRegistry"/>. The change token fires
/// on the registry's change events for the model and, as a fallback for missed events, when a periodic poll resolves
/// the reference to a different version or artifact than the one last settled.
/// </summary>
/// <remarks>
/// The poll reconciles rather than detects: each pass compares what the reference designates now with what was last
/// settled (served, or refused as unloadable), so a change event missed for any reason (a late change feed, a lost
/// notification, a dropped watcher event, a reload that failed to read the artifact) is repaired within one poll interval.
/// A load that fails on a transient error (storage, I/O, timeout) settles nothing, so the next pass retries it; a version
/// that cannot load (integrity failure, not loadable by its format's runtime) is settled and not retried until the reference moves.
/// The source of an alias also follows the alias's active rollout (<see cref="IRolloutSource"/>): the poll compares its
/// id and revision with the last one read, so a missed <see cref="RegistryChangeKind.RolloutChanged"/> is repaired too.
/// </remarks>
internal sealed class RegistryModelSource : ModelSource, IRolloutSource
{
    private readonly IModelRegistry _registry;
    private readonly ModelReference _reference;
    private readonly IDisposable _subscription;
    private readonly ITimer? _pollTimer;
    private readonly ILogger _logger;
    private readonly ModelFormatSet _formats;
    private readonly object _lock = new();
    private readonly ChangeSignal _changes = new();
    private string? _settled;
    private string _settledRollout = NoRollout;
    private int _rolloutsUnsupported;
    private int _polling;

    private const string NoRollout = "";

    public RegistryModelSource(IModelRegistry registry, ModelReference reference, TimeSpan pollInterval, TimeProvider timeProvider, ILogger? logger = null, ModelFormatSet? formats = null)
    {
        _formats = formats ?? ModelFormatSet.BuiltIn;
        _logger = logger ?? NullLogger.Instance;
        _registry = registry;
        _reference = reference;
        _subscription = registry.Subscribe(change =>
        {
            if (change.Name == reference.Name)
            {
                Signal();
            }
        });
        if (pollInterval > TimeSpan.Zero)
        {
            _pollTimer = timeProvider.CreateTimer(static s => _ = ((RegistryModelSource)s!).PollAsync(), this, pollInterval, pollInterval);
        }
    }

    public override string Description => $"registry '{_reference}'";

    public override async ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        RegisteredModelVersion resolved = await _registry.ResolveAsync(_reference, cancellationToken).ConfigureAwait(false)
            ?? throw new ModelLoadException(NotFoundMessage());
        string fingerprint = Fingerprint(resolved)
            ?? throw new ModelLoadException($"Version {resolved.Version} of model '{resolved.Name}' is {resolved.Status} and has no stored primary artifact; it cannot be served.");
        if (fingerprint == context.CurrentFingerprint)
        {
            Settle(fingerprint);
            return null;
        }

        // A version that cannot load (integrity failure, not a model) is settled: not retried on every poll, only when the
        // reference moves. A transient read failure settles nothing, so the next poll retries.
        byte[] bytes;
        try
        {
            bytes = await _registry.ReadArtifactAsync(resolved.Name, resolved.Version, resolved.PrimaryArtifactPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsTransientReadFailure(ex))
        {
            Settle(fingerprint);
            throw;
        }

        InferenceModel model;
        try
        {
            string? format = resolved.Format;
            model = _formats.Load(bytes, resolved.PrimaryArtifactPath, format, context);
        }
        catch
        {
            Settle(fingerprint);
            throw;
        }

        Settle(fingerprint);
        return new LoadedModel(model, resolved.Version, fingerprint);
    }

    public bool FollowsRollouts => _reference.Alias is not null;

    public async Task<Rollout?> GetActiveRolloutAsync(CancellationToken cancellationToken)
    {
        Rollout? rollout = await ReadRolloutAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _settledRollout = Marker(rollout);
        }

        return rollout;
    }

    public async ValueTask<LoadedModel> LoadVersionAsync(ModelVersion version, ModelLoadContext context, CancellationToken cancellationToken)
    {
        RegisteredModelVersion resolved = await _registry.GetVersionAsync(_reference.Name, version, cancellationToken).ConfigureAwait(false)
            ?? throw new ModelLoadException($"Version {version} of registered model '{_reference.Name}' does not exist.");
        string fingerprint = Fingerprint(resolved)
            ?? throw new ModelLoadException($"Version {resolved.Version} of model '{resolved.Name}' is {resolved.Status} and has no stored primary artifact; it cannot be served.");
        byte[] bytes = await _registry.ReadArtifactAsync(resolved.Name, resolved.Version, resolved.PrimaryArtifactPath, cancellationToken).ConfigureAwait(false);
        resolved.Tags.TryGetValue(ModelFormats.Tag, out string? format);
        InferenceModel model = _formats.Load(bytes, resolved.PrimaryArtifactPath, format, context);
        return new LoadedModel(model, resolved.Version, fingerprint);
    }

    /// <summary>Reads the active rollout of the alias; one of another alias is not ours.</summary>
    private async Task<Rollout?> ReadRolloutAsync(CancellationToken cancellationToken)
    {
        if (_reference.Alias is not { } alias || Volatile.Read(ref _rolloutsUnsupported) != 0)
        {
            return null;
        }

        Rollout? rollout;
        try
        {
            rollout = await _registry.GetActiveRolloutAsync(_reference.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NotImplementedException or NotSupportedException)
        {
            // A registry without rollouts (a custom one): serve the alias only, and stop asking.
            if (Interlocked.Exchange(ref _rolloutsUnsupported, 1) == 0)
            {
                Log.RolloutsNotSupported(_logger, _reference.Name.Value);
            }

            return null;
        }

        return rollout is { IsActive: true } && rollout.Alias == alias ? rollout : null;
    }

    private static string Marker(Rollout? rollout) =>
        rollout is null ? NoRollout : rollout.Id + "@" + rollout.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Settle(string fingerprint)
    {
        lock (_lock)
        {
            _settled = fingerprint;
        }
    }

    /// <summary>Whether reading the artifact failed in a way that may succeed if simply tried again (so the next poll retries it).</summary>
    private static bool IsTransientReadFailure(Exception ex) =>
        ex is OperationCanceledException or IOException or TimeoutException or UnauthorizedAccessException
        || ex is ModelRegistryException { ErrorCode: RegistryErrorCode.Storage or RegistryErrorCode.LockTimeout };

    public override IChangeToken? Watch() => _changes.GetToken();

    private string NotFoundMessage() => _reference switch
    {
        { Alias: { } alias } => $"The alias '{alias}' of registered model '{_reference.Name}' is not assigned (or the model does not exist).",
        { Version: { } version } => $"Version {version} of registered model '{_reference.Name}' does not exist.",
        _ => $"Registered model '{_reference.Name}' has no ready version.",
    };

    private static string? Fingerprint(RegisteredModelVersion version) =>
        version.Status == ModelVersionStatus.Ready && version.PrimaryArtifact is { } primary
            ? $"registry:{version.Name}/{version.Version}:sha256:{primary.Sha256}"
            : null;

    private async Task PollAsync()
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1)
        {
            return;
        }

        try
        {
            RegisteredModelVersion? resolved = await _registry.ResolveAsync(_reference).ConfigureAwait(false);
            string? fingerprint = resolved is null ? null : Fingerprint(resolved);
            string? rollout = FollowsRollouts ? Marker(await ReadRolloutAsync(CancellationToken.None).ConfigureAwait(false)) : null;
            bool changed;
            lock (_lock)
            {
                changed = (fingerprint is not null && fingerprint != _settled) || (rollout is not null && rollout != _settledRollout);
            }

            if (changed)
            {
                Signal();
            }
        }
#pragma warning disable CA1031 // the poll runs on a timer: an exception escaping it would be an unobserved task exception
        catch (Exception ex)
#pragma warning restore CA1031
        {
            // The next poll (or change event) tries again; the load path reports errors to the caller.
            Log.RegistryPollFailed(_logger, ex, _reference.ToString());
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    private void Signal() => _changes.Signal();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _changes.Dispose();
            _pollTimer?.Dispose();
            _subscription.Dispose();
        }

        base.Dispose(disposing);
    }
}
