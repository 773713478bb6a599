namespace MLOps.Monitoring.Drift.Internal;

/// <summary>How the current data's features line up with the reference's.</summary>
internal sealed class SchemaComparison
{
    public static readonly SchemaComparison Same = new([], [], []);

    public SchemaComparison(IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> mismatched)
    {
        Missing = missing;
        Unexpected = unexpected;
        Mismatched = mismatched;
        Absent = [.. missing, .. mismatched.Select(m => m[..m.IndexOf(':', StringComparison.Ordinal)])];
    }

    /// <summary>Reference features the current data lacks.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Current features the reference lacks.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Features with incompatible kinds, as <c>name: reference → current</c>.</summary>
    public IReadOnlyList<string> Mismatched { get; }

    /// <summary>Reference features that have no usable current values (missing or mismatched).</summary>
    public HashSet<string> Absent { get; }
}
