namespace MLOps.Registry.Tracking;

/// <summary>The content of <c>experiments/&lt;name&gt;.json</c>.</summary>
internal sealed class ExperimentDocument
{
    public int FormatVersion { get; set; } = 1;

    public required string Name { get; set; }

    public Dictionary<string, string> Tags { get; set; } = new(StringComparer.Ordinal);

    public DateTimeOffset CreatedAt { get; set; }

    public Experiment ToExperiment() => new()
    {
        Name = Name,
        Tags = new Dictionary<string, string>(Tags, StringComparer.Ordinal),
        CreatedAt = CreatedAt,
    };
}
