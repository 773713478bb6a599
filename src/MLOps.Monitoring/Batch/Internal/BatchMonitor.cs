using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Shared.Events;

namespace MLOps.Monitoring.Batch.Internal;

/// <summary>The <see cref="IBatchMonitor"/>: runs jobs over the registered <see cref="IPredictionLogReader"/> and keeps the latest report per model.</summary>
internal sealed class BatchMonitor : IBatchMonitor
{
    private readonly IPredictionLogReader? _reader;
    private readonly IReferenceProfileProvider? _provider;
    private readonly ModelQualityMonitor? _quality;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<ModelName, BatchMonitoringReport> _latest = new();
    private readonly Subscribers<BatchMonitoringReport> _subscribers;

    public BatchMonitor(IPredictionLogReader? reader, IReferenceProfileProvider? provider, ModelQualityMonitor? quality, TimeProvider time, ILogger logger)
    {
        _reader = reader;
        _provider = provider;
        _quality = quality;
        _time = time;
        _logger = logger;
        _subscribers = new Subscribers<BatchMonitoringReport>((ex, report) => BatchLog.HandlerFailed(_logger, ex, report.Model.Value));
    }

    /// <summary>The last job's drift-state size (for the memory tests).</summary>
    internal long LastRetainedDriftValues { get; private set; }

    public async Task<BatchMonitoringReport> RunAsync(BatchMonitoringRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        IPredictionLogReader reader = _reader ?? throw new InvalidOperationException(
            "Batch monitoring reads the durable prediction log, and none that can be read is registered: call AddJsonLinesPredictionLog(...) or AddPostgresMonitoring(...).");
        var job = new BatchJob(request, _provider, _quality?.Find(request.Model.Value)?.Settings);
        try
        {
            await job.RunAsync(reader.ReadAsync(request.Model, request.From, request.To, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or IOException or TimeoutException)
        {
            // The log's store is down (a database, a disk): one typed error a caller can retry on, not the driver's own.
            throw new ModelRegistryException(
                RegistryErrorCode.Storage,
                $"Batch monitoring of model '{request.Model}' could not read the prediction log: {ex.Message} Nothing was reported; run it again later.",
                ex);
        }

        BatchMonitoringReport report = job.Report(_time.GetUtcNow());
        LastRetainedDriftValues = job.RetainedDriftValues;
        BatchLog.JobCompleted(_logger, request.Model.Value, request.From, request.To, report.Rows, report.RowsWithInputs, report.LabelledRows, report.Drift.Count, report.DatasetDrift);
        _latest[request.Model] = report;
        _subscribers.Raise(report);
        return report;
    }

    public BatchMonitoringReport? GetLatest(ModelName model) => _latest.GetValueOrDefault(model);

    public IDisposable Subscribe(Action<BatchMonitoringReport> handler) => _subscribers.Subscribe(handler);
}
