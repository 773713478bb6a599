namespace MLOps.Monitoring.Profiles.Internal;

/// <summary>One feature's values materialized for batch work: numbers as doubles (NaN = missing), categories as strings.</summary>
internal sealed class FeatureColumn
{
    public FeatureColumn(string name, FeatureKind kind, double[]? numbers, string?[]? texts)
    {
        Name = name;
        Kind = kind;
        Numbers = numbers;
        Texts = texts;
    }

    public string Name { get; }

    public FeatureKind Kind { get; }

    /// <summary>Numeric and boolean values (boolean: 0/1); NaN is missing.</summary>
    public double[]? Numbers { get; }

    /// <summary>Categorical values; <see langword="null"/> is missing.</summary>
    public string?[]? Texts { get; }

    public int Length => Numbers?.Length ?? Texts!.Length;
}
