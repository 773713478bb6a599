using System.Globalization;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Batch.Internal;

/// <summary>
/// One run of a batch monitoring job: streams the rows once, counting inputs into a drift state per version and
/// replaying labelled rows into quality windows. Keeps no row: its memory is the per-version drift states (fixed size),
/// the open quality windows and the bounded history.
/// </summary>
internal sealed class BatchJob
{
    private readonly BatchMonitoringRequest _request;
    private readonly IReferenceProfileProvider? _provider;
    private readonly QualitySettings? _onlineSettings;
    private readonly DriftOptions _driftOptions;
    private readonly Dictionary<int, VersionState> _versions = [];
    private readonly List<string> _notes = [];
    private QualityReplay? _quality;
    private bool _qualityUnknown;

    public BatchJob(BatchMonitoringRequest request, IReferenceProfileProvider? provider, QualitySettings? onlineSettings)
    {
        _request = request;
        _provider = provider;
        _onlineSettings = onlineSettings;
        _driftOptions = request.DriftOptions ?? new DriftOptions();
    }

    public long Rows { get; private set; }

    public long RowsWithInputs { get; private set; }

    public long LabelledRows { get; private set; }

    /// <summary>The values held by the drift states (fixed once each version's state exists; for the memory tests).</summary>
    public long RetainedDriftValues => _versions.Values.Sum(v => v.Drift?.RetainedValues ?? 0);

    public async Task RunAsync(IAsyncEnumerable<LoggedPrediction> rows, CancellationToken cancellationToken)
    {
        await foreach (LoggedPrediction row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            PredictionRecord record = row.Prediction;
            Rows++;
            VersionState state = await GetVersionAsync(record.ModelVersion, cancellationToken).ConfigureAwait(false);
            state.Rows++;
            if (record.Inputs is { } inputs)
            {
                RowsWithInputs++;
                state.Drift?.Add(inputs, record.Timestamp);
            }

            if (row.Actual is { } actual)
            {
                LabelledRows++;
                if (GetQuality(record) is { } quality)
                {
                    quality.Add(record, actual);
                }
            }
        }
    }

    public BatchMonitoringReport Report(DateTimeOffset createdAt)
    {
        var drift = new List<DriftReport>();
        foreach ((int version, VersionState state) in _versions.OrderByDescending(v => v.Key))
        {
            if (state.Drift is { Rows: > 0 } d)
            {
                drift.Add(d.Evaluate(_request.Model, createdAt));
            }
            else if (state.Drift is not null && state.Rows > 0)
            {
                Note($"Version {version}: none of its {state.Rows} rows has inputs, so it has no drift report.");
            }
        }

        if (Rows == 0)
        {
            Note("The log holds no prediction of this model in the range.");
        }
        else if (RowsWithInputs == 0)
        {
            Note($"None of the {Rows} rows has inputs, so there is no drift report: the log records them when the model's quality monitoring calls LogInputs().");
        }
        else if (RowsWithInputs < Rows)
        {
            Note($"{Rows - RowsWithInputs} of the {Rows} rows have no inputs (logged before LogInputs() was on, or by another model configuration); drift covers the {RowsWithInputs} that have them.");
        }

        if (Rows > 0 && LabelledRows == 0)
        {
            Note("No row in the range has ground truth in the log, so there is no quality report.");
        }
        else if (_qualityUnknown)
        {
            Note("The quality task is unknown (the model has no quality monitoring in this process and the request sets no Task), so there is no quality report.");
        }
        else if (_quality is { Invalid: > 0 } q)
        {
            Note($"{q.Invalid} feedback values do not fit the model's task and were left out of the quality windows.");
        }

        return new BatchMonitoringReport(_request, createdAt, Rows, RowsWithInputs, LabelledRows, drift, _quality?.Report(), _notes);
    }

    private void Note(string note) => _notes.Add(note);

    private async ValueTask<VersionState> GetVersionAsync(ModelVersion version, CancellationToken cancellationToken)
    {
        if (_versions.TryGetValue(version.Number, out VersionState? state))
        {
            return state;
        }

        state = new VersionState();
        _versions[version.Number] = state;
        ReferenceProfile? profile = _request.Reference;
        if (profile is null && _provider is not null)
        {
            try
            {
                profile = await _provider.GetReferenceProfileAsync(_request.Model, version, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Note(string.Create(CultureInfo.InvariantCulture, $"Version {version.Number}: its reference profile could not be read ({ex.GetType().Name}: {ex.Message}), so its rows are not compared."));
                return state;
            }
        }

        if (profile is null)
        {
            Note(_provider is null && _request.Reference is null
                ? string.Create(CultureInfo.InvariantCulture, $"Version {version.Number}: no reference profile (set BatchMonitoringRequest.Reference or register an IReferenceProfileProvider, such as a model registry), so its rows are not compared.")
                : string.Create(CultureInfo.InvariantCulture, $"Version {version.Number} has no reference profile, so its rows are not compared."));
            return state;
        }

        state.Drift = new LoggedInputDrift(profile, _driftOptions, version.Number);
        return state;
    }

    /// <summary>The quality replay, created at the first labelled row (whose score and segment tell a task given by the request what the rows carry).</summary>
    private QualityReplay? GetQuality(in PredictionRecord first)
    {
        if (_quality is not null || _qualityUnknown)
        {
            return _quality;
        }

        QualitySettings? settings = _onlineSettings;
        if (_request.Task is { } task && (settings is null || settings.Task != task))
        {
            settings = new QualitySettings(
                _request.Model.Value,
                task,
                HasScore: task == QualityTask.BinaryClassification && double.IsFinite(first.Score),
                HasSegments: first.Segment is not null,
                QualityMonitoringBuilder<object, object>.DefaultWindowSize,
                WindowDuration: null,
                StoreCapacity: 1,
                QualityMonitoringBuilder<object, object>.DefaultFeedbackTimeToLive,
                QualityMonitoringBuilder<object, object>.DefaultMaxSegments,
                QualityMonitoringBuilder<object, object>.DefaultMinimumSegmentSize);
        }

        if (settings is null)
        {
            _qualityUnknown = true;
            return null;
        }

        if (_request.QualityWindowSize is { } size)
        {
            settings = settings with { WindowSize = size, WindowDuration = null };
        }

        _quality = new QualityReplay(settings);
        return _quality;
    }

    private sealed class VersionState
    {
        public long Rows { get; set; }

        public LoggedInputDrift? Drift { get; set; }
    }
}
