using System.Diagnostics.Metrics;

namespace TaxiService;

/// <summary>
/// Publishes <c>process.memory.limit</c>: the memory this process may use (the container's limit, a configured GC
/// heap hard limit, or else the machine's memory), as the GC sees it. The memory alert divides
/// <c>process.memory.usage</c> by it; no OpenTelemetry instrumentation publishes the limit itself.
/// </summary>
internal sealed class ProcessLimits
{
    public const string MeterName = "TaxiService.Process";

    public ProcessLimits(IMeterFactory meterFactory) =>
        meterFactory.Create(MeterName).CreateObservableGauge(
            "process.memory.limit", Observe, "By", "The memory the process may use: the container limit or the machine's memory, as the GC sees it.");

    private static IEnumerable<Measurement<long>> Observe()
    {
        // Measured at the last garbage collection: none before the first one.
        long limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return limit > 0 ? [new Measurement<long>(limit)] : [];
    }
}
