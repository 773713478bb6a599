using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// The prediction observer registered by <c>WithDriftMonitoring</c>: feeds each input into the model's current
/// <see cref="DriftWindow{TIn}"/>, and (re)loads the reference profile off the hot path when needed.
/// </summary>
internal sealed class DriftObserver<TIn, TOut> : IPredictionObserver<TIn, TOut>, IFleetDriftSource
    where TIn : class
    where TOut : class, new()
{
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(30);

    private readonly ModelName _model;
    private readonly DriftMonitoringBuilder _config;
    private readonly Func<ReferenceProfile?>? _referenceFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DriftMonitor _monitor;
    private readonly DriftMetrics _metrics;
    private readonly IReferenceProfileProvider? _provider;
    private readonly bool _perVersion;
    private volatile DriftWindow<TIn>? _window;
    private int _resolving;
    private long _retryAt = long.MinValue;

    /// <summary>Creates the observer of one model.</summary>
    /// <param name="model">The model name.</param>
    /// <param name="config">The drift configuration of the model.</param>
    /// <param name="referenceFactory">The configured reference factory (<c>UseReference(Func&lt;IServiceProvider, ReferenceProfile?&gt;)</c>) bound to the service provider, or <see langword="null"/>.</param>
    /// <param name="provider">The reference profile provider; needed (and only used) when the configuration names no reference.</param>
    /// <param name="monitor">The drift monitor.</param>
    /// <param name="metrics">The drift instruments.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">The observer's logger.</param>
    public DriftObserver(
        ModelName model,
        DriftMonitoringBuilder config,
        Func<ReferenceProfile?>? referenceFactory,
        IReferenceProfileProvider? provider,
        DriftMonitor monitor,
        DriftMetrics metrics,
        TimeProvider time,
        ILogger<DriftObserver<TIn, TOut>> logger)
    {
        _model = model;
        _config = config;
        _referenceFactory = referenceFactory;
        _time = time;
        _monitor = monitor;
        _metrics = metrics;
        _logger = logger;
        _monitor.Register(model, config.Options.HistorySize);
        _monitor.Fleet?.Register(model, this);
        if (config.ReferenceInstance is null && referenceFactory is null && config.ReferencePath is null)
        {
            _provider = provider ?? throw new InvalidOperationException(
                $"Drift monitoring of model '{model}' has no reference profile: call UseReference(...) or UseReferenceFile(...) in WithDriftMonitoring, or register an IReferenceProfileProvider (the model registry does).");
            _perVersion = true;
            return;
        }

        // Instances and factories are resolved now (no I/O), so a wrong option fails when the client is resolved.
        ReferenceProfile? profile = config.ReferenceInstance ?? referenceFactory?.Invoke();
        if (profile is not null)
        {
            Start(profile, version: 0);
        }
        else if (config.ReferencePath is not null)
        {
            RequestReference(default);
        }
    }

    internal DriftWindow<TIn>? Window => _window;

    public void OnPrediction(in PredictionContext<TIn, TOut> context)
    {
        if (context.IsShadow)
        {
            return;   // a mirrored prediction is not served traffic
        }

        if (_perVersion && string.Equals(context.Prediction.Variant, MLOps.Internal.Rollouts.ModelRuntimeVariants.Candidate, StringComparison.Ordinal))
        {
            // During a rollout the window follows the primary arm: the candidate's share of the same traffic would switch
            // the window (and its reference) back and forth between the two versions, and no window would ever close.
            return;
        }

        int version = context.Prediction.ModelVersion.Number;
        DriftWindow<TIn>? window = _window;
        if (window is not null && (!_perVersion || window.Version == version))
        {
            window.Add(context.Input, version);
            return;
        }

        RequestReference(context.Prediction.ModelVersion);
    }

    public async Task<(CompiledReference Reference, SchemaComparison Schema)?> GetReferenceAsync(int version, CancellationToken cancellationToken)
    {
        DriftWindow<TIn>? window = _window;
        if (window is not null && (!_perVersion || window.Version == version))
        {
            return (window.Reference, window.Schema);
        }

        ReferenceProfile? profile = _provider is not null
            ? await _provider.GetReferenceProfileAsync(_model, new ModelVersion(version), cancellationToken).ConfigureAwait(false)
            : _config.ReferenceInstance ?? (_config.ReferencePath is { } path
                ? await ReferenceProfile.LoadAsync(path, cancellationToken).ConfigureAwait(false)
                : _referenceFactory?.Invoke());
        if (profile is null)
        {
            return null;
        }

        var reference = new CompiledReference(profile, _config.Options);
        return (reference, new RowExtractor<TIn>(reference).Schema);
    }

    private void RequestReference(ModelVersion version)
    {
        if (_time.GetTimestamp() < Volatile.Read(ref _retryAt) || Interlocked.CompareExchange(ref _resolving, 1, 0) != 0)
        {
            return;
        }

        _ = Task.Run(() => ResolveAsync(version));
    }

    private async Task ResolveAsync(ModelVersion version)
    {
        try
        {
            ReferenceProfile? profile;
            if (_provider is not null)
            {
                profile = await _provider.GetReferenceProfileAsync(_model, version).ConfigureAwait(false);
            }
            else if (_config.ReferencePath is { } path)
            {
                profile = await ReferenceProfile.LoadAsync(path).ConfigureAwait(false);
            }
            else
            {
                profile = _referenceFactory!();
            }

            if (profile is null)
            {
                DriftLog.ReferenceUnavailable(_logger, _model.Value, version.Number);
                DelayRetry();
                return;
            }

            Start(profile, _perVersion ? version.Number : 0);
        }
#pragma warning disable CA1031 // Logged and retried; the prediction path must never see it.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            DriftLog.ReferenceLoadFailed(_logger, ex, _model.Value);
            DelayRetry();
        }
        finally
        {
            Volatile.Write(ref _resolving, 0);
        }
    }

    private void DelayRetry() =>
        Volatile.Write(ref _retryAt, _time.GetTimestamp() + (long)(RetryInterval.TotalSeconds * _time.TimestampFrequency));

    private void Start(ReferenceProfile profile, int version)
    {
        var reference = new CompiledReference(profile, _config.Options);
        var window = new DriftWindow<TIn>(_model, version, reference, _config, _time, _monitor, _metrics);
        SchemaComparison schema = window.Schema;
        if (schema.Missing.Count + schema.Unexpected.Count + schema.Mismatched.Count > 0)
        {
            DriftLog.SchemaMismatch(
                _logger, _model.Value, string.Join(", ", schema.Missing), string.Join(", ", schema.Unexpected), string.Join(", ", schema.Mismatched));
        }

        DriftLog.ReferenceLoaded(_logger, _model.Value, profile.RowCount, reference.Features.Length, version);
        _window = window;
    }
}
