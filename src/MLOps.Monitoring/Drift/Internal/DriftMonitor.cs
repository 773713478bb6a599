using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Shared.Events;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>Holds the latest report per model and delivers every report to the subscribers.</summary>
internal sealed class DriftMonitor : IDriftMonitor
{
    private readonly ConcurrentDictionary<ModelName, DriftReport?> _latest = new();
    private readonly Subscribers<DriftReport> _subscribers;
    private readonly ILogger _logger;

    public DriftMonitor(ILoggerFactory? loggerFactory = null)
    {
        _logger = loggerFactory?.CreateLogger("MLOps.Monitoring") ?? NullLogger.Instance;
        _subscribers = new((ex, report) => DriftLog.HandlerFailed(_logger, ex, report.ModelName.GetValueOrDefault().Value));
    }

    public IReadOnlyCollection<ModelName> Models => [.. _latest.Keys.Order()];

    internal ILogger Logger => _logger;

    public IDisposable Subscribe(Action<DriftReport> handler) => _subscribers.Subscribe(handler);

    public DriftReport? GetLatestReport(ModelName modelName) => _latest.GetValueOrDefault(modelName);

    internal void Register(ModelName modelName) => _latest.TryAdd(modelName, null);

    internal void Publish(ModelName modelName, DriftReport report)
    {
        _latest[modelName] = report;
        DriftLog.WindowEvaluated(_logger, modelName.Value, report.CurrentRows, report.DriftedFeatures, report.EvaluatedFeatures);
        if (report.DriftedFeatures > 0)
        {
            DriftLog.DriftDetected(
                _logger,
                modelName.Value,
                report.DriftedFeatures,
                report.EvaluatedFeatures,
                string.Join(", ", report.Features.Where(f => f.Drifted).Select(f => f.Feature)),
                report.DatasetDrift);
        }

        _subscribers.Raise(report);
    }
}
