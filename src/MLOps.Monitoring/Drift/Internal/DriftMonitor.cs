using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Shared.Events;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>Holds the recent reports per model (a bounded history) and delivers every report to the subscribers.</summary>
internal sealed class DriftMonitor : IDriftMonitor
{
    private readonly ConcurrentDictionary<ModelName, History> _models = new();
    private readonly ConcurrentDictionary<ModelName, History> _replica = new();
    private readonly Subscribers<DriftReport> _subscribers;
    private readonly ILogger _logger;

    public DriftMonitor(ILoggerFactory? loggerFactory = null, IEnumerable<DriftModelRegistration>? models = null, FleetDriftHub? fleet = null)
    {
        Fleet = fleet;
        _logger = loggerFactory?.CreateLogger("MLOps.Monitoring") ?? NullLogger.Instance;
        _subscribers = new((ex, report) => DriftLog.HandlerFailed(_logger, ex, report.ModelName.GetValueOrDefault().Value));
        foreach (DriftModelRegistration model in models ?? [])
        {
            Register(model.Model, model.HistorySize);
        }
    }

    public IReadOnlyCollection<ModelName> Models => [.. _models.Keys.Order()];

    internal ILogger Logger => _logger;

    /// <summary>Gets fleet mode's hub (<c>AddFleetDrift</c>), or <see langword="null"/> when each process judges drift alone.</summary>
    internal FleetDriftHub? Fleet { get; }

    public IDisposable Subscribe(Action<DriftReport> handler) => _subscribers.Subscribe(handler);

    public DriftReport? GetLatestReport(ModelName modelName) => _models.TryGetValue(modelName, out History? history) ? history.Latest : null;

    public IReadOnlyList<DriftReport> GetReports(ModelName modelName) =>
        _models.TryGetValue(modelName, out History? history) ? history.Snapshot() : [];

    public IReadOnlyList<DriftReport> GetReplicaReports(ModelName modelName) =>
        Fleet is null ? GetReports(modelName) : _replica.TryGetValue(modelName, out History? history) ? history.Snapshot() : [];

    /// <summary>Makes a model known (listed in <see cref="Models"/>) and sets how many reports of it are kept.</summary>
    internal void Register(ModelName modelName, int historySize = DriftOptions.DefaultHistorySize) =>
        _models.AddOrUpdate(modelName, static (_, size) => new History(size), static (_, history, size) => history.Resize(size), historySize);

    /// <summary>Keeps a report of this replica's own window (fleet mode): for debugging, never raised to subscribers.</summary>
    internal void PublishReplica(ModelName modelName, DriftReport report)
    {
        int size = _models.TryGetValue(modelName, out History? fleet) ? fleet.Capacity : DriftOptions.DefaultHistorySize;
        _replica.GetOrAdd(modelName, static (_, size) => new History(size), size).Add(report);
        DriftLog.WindowEvaluated(_logger, modelName.Value, report.CurrentRows, report.DriftedFeatures, report.EvaluatedFeatures);
    }

    /// <summary>Adds a report another replica published (the fleet's leader) to the history, without raising it.</summary>
    internal void Record(ModelName modelName, DriftReport report) =>
        _models.GetOrAdd(modelName, static _ => new History(DriftOptions.DefaultHistorySize)).Add(report);

    internal void Publish(ModelName modelName, DriftReport report)
    {
        _models.GetOrAdd(modelName, static _ => new History(DriftOptions.DefaultHistorySize)).Add(report);
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

    /// <summary>The newest reports of one model, at most <c>capacity</c>, oldest first.</summary>
    private sealed class History(int capacity)
    {
        private readonly Queue<DriftReport> _reports = new();
        private readonly Lock _lock = new();
        private int _capacity = capacity;

        public int Capacity => _capacity;

        public DriftReport? Latest { get; private set; }

        public void Add(DriftReport report)
        {
            lock (_lock)
            {
                _reports.Enqueue(report);
                Trim();
                Latest = report;
            }
        }

        public History Resize(int capacity)
        {
            lock (_lock)
            {
                _capacity = capacity;
                Trim();
            }

            return this;
        }

        public DriftReport[] Snapshot()
        {
            lock (_lock)
            {
                return [.. _reports];
            }
        }

        private void Trim()
        {
            while (_reports.Count > _capacity)
            {
                _reports.Dequeue();
            }
        }
    }
}
