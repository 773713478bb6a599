using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Monitoring.Drift;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>Holds the latest report per model and raises the drift events.</summary>
internal sealed class DriftMonitor : IDriftMonitor
{
    private readonly ConcurrentDictionary<ModelName, DriftReport?> _latest = new();
    private readonly ILogger _logger;

    public DriftMonitor(ILoggerFactory? loggerFactory = null)
    {
        _logger = loggerFactory?.CreateLogger("MLOps.Monitoring") ?? NullLogger.Instance;
    }

    public event EventHandler<DriftReportEventArgs>? ReportCreated;

    public event EventHandler<DriftReportEventArgs>? DriftDetected;

    public IReadOnlyCollection<ModelName> Models => [.. _latest.Keys.Order()];

    internal ILogger Logger => _logger;

    public DriftReport? GetLatestReport(ModelName modelName) => _latest.GetValueOrDefault(modelName);

    internal void Register(ModelName modelName) => _latest.TryAdd(modelName, null);

    internal void Publish(ModelName modelName, DriftReport report)
    {
        _latest[modelName] = report;
        DriftLog.WindowEvaluated(_logger, modelName.Value, report.CurrentRows, report.DriftedFeatures, report.EvaluatedFeatures);
        var args = new DriftReportEventArgs(modelName, report);
        Raise(ReportCreated, args);
        if (report.DriftedFeatures > 0)
        {
            DriftLog.DriftDetected(
                _logger,
                modelName.Value,
                report.DriftedFeatures,
                report.EvaluatedFeatures,
                string.Join(", ", report.Features.Where(f => f.Drifted).Select(f => f.Feature)),
                report.DatasetDrift);
            Raise(DriftDetected, args);
        }
    }

    private void Raise(EventHandler<DriftReportEventArgs>? handlers, DriftReportEventArgs args)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (EventHandler<DriftReportEventArgs> handler in handlers.GetInvocationList().Cast<EventHandler<DriftReportEventArgs>>())
        {
            try
            {
                handler(this, args);
            }
#pragma warning disable CA1031 // A subscriber's failure must not stop monitoring.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                DriftLog.HandlerFailed(_logger, ex, args.ModelName.Value);
            }
        }
    }
}
