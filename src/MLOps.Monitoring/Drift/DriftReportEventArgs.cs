
namespace MLOps.Monitoring.Drift;

/// <summary>A drift report of one model's monitoring window.</summary>
/// <param name="modelName">The model name.</param>
/// <param name="report">The report.</param>
public sealed class DriftReportEventArgs(ModelName modelName, DriftReport report) : EventArgs
{
    /// <summary>Gets the model name.</summary>
    public ModelName ModelName { get; } = modelName;

    /// <summary>Gets the report.</summary>
    public DriftReport Report { get; } = report;
}
