namespace MLOps.Registry.Tracking;

/// <summary>The content of <c>runs/&lt;id&gt;/run.json</c>: everything of a run except its metric points.</summary>
internal sealed class RunDocument
{
    public int FormatVersion { get; set; } = 1;

    public required string RunId { get; set; }

    public required string ExperimentName { get; set; }

    public string? RunName { get; set; }

    public RunStatus Status { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public string? Error { get; set; }

    public Dictionary<string, string> Params { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public List<DatasetInput> Datasets { get; set; } = [];

    public List<RunArtifact> Artifacts { get; set; } = [];

    public TrackedRun ToRun(IReadOnlyDictionary<string, double> metrics) => new()
    {
        RunId = RunId,
        ExperimentName = ExperimentName,
        RunName = RunName,
        Status = Status,
        StartedAt = StartedAt,
        EndedAt = EndedAt,
        Error = Error,
        Params = new Dictionary<string, string>(Params, StringComparer.Ordinal),
        Metrics = metrics,
        Tags = new Dictionary<string, string>(Tags, StringComparer.Ordinal),
        Datasets = [.. Datasets],
        Artifacts = [.. Artifacts.OrderBy(a => a.Path, StringComparer.Ordinal)],
    };
}
