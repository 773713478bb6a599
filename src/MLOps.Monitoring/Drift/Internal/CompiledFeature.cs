using System.Collections.Frozen;
using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>One reference feature prepared for comparisons: method resolved, arrays ready for O(log bins) lookups.</summary>
internal sealed class CompiledFeature
{
    /// <summary>Numeric features with at most this many distinct reference values are compared as categories of their values.</summary>
    public const int DiscreteLimit = 5;

    public CompiledFeature(int index, FeatureProfile profile, long referenceRows, DriftOptions options)
    {
        Index = index;
        Profile = profile;
        Name = profile.Name;
        Kind = profile.Kind;
        Min = profile.Min;
        Max = profile.Max;
        if (Kind == FeatureKind.Numeric)
        {
            Edges = [.. profile.BinEdges];
            ReferenceBins = [.. profile.BinCounts.Select(c => (double)c)];
            ReferenceSample = [.. profile.Sample];
            Array.Sort(ReferenceSample);
            if (profile.DistinctValues is { } distinct)
            {
                Distinct = [.. distinct];
                ReferenceDistinct = [.. profile.DistinctCounts!.Select(c => (double)c), 0];
            }

            Categories = [];
            ReferenceCategories = [];
        }
        else
        {
            Edges = [];
            ReferenceBins = [];
            ReferenceSample = [];
            Categories = Kind == FeatureKind.Boolean
                ? [bool.FalseString, bool.TrueString]
                : [.. profile.Categories.Keys.Order(StringComparer.Ordinal)];
            ReferenceCategories = [.. Categories.Select(c => (double)profile.Categories.GetValueOrDefault(c)), profile.OtherCount];
        }

        // Frozen: the online path looks a category up per prediction; a frozen ordinal string map is the fastest lookup.
        CategoryIndex = Categories.Select((c, i) => KeyValuePair.Create(c, i)).ToFrozenDictionary(StringComparer.Ordinal);

        bool binary = Kind == FeatureKind.Boolean
            || (Kind == FeatureKind.Categorical && Categories.Length == 2 && profile.OtherCount == 0)
            || (Kind == FeatureKind.Numeric && Distinct?.Length == 2);
        bool continuous = Kind == FeatureKind.Numeric && (Distinct is null || Distinct.Length > DiscreteLimit);
        DriftMethod method = options.Methods.TryGetValue(Name, out DriftMethod m) ? m : options.DefaultMethod;
        if (method == DriftMethod.Auto)
        {
            method = referenceRows <= options.SmallReferenceRows
                ? continuous ? DriftMethod.KolmogorovSmirnov : binary ? DriftMethod.ZTest : DriftMethod.ChiSquare
                : continuous ? DriftMethod.Wasserstein : DriftMethod.JensenShannon;
        }

        if (method is DriftMethod.KolmogorovSmirnov or DriftMethod.Wasserstein && Kind != FeatureKind.Numeric)
        {
            throw new ArgumentException($"Feature '{Name}' is {Kind}; {method} needs a numeric feature.", nameof(options));
        }

        if (method == DriftMethod.ZTest && !binary)
        {
            throw new ArgumentException($"Feature '{Name}' is not binary; the z-test needs exactly two categories or values.", nameof(options));
        }

        Method = method;
        Threshold = options.ThresholdFor(Name, method);
        UsesDiscrete = Kind == FeatureKind.Numeric && !continuous && method is not (DriftMethod.KolmogorovSmirnov or DriftMethod.Wasserstein);
    }

    public int Index { get; }

    public string Name { get; }

    public FeatureKind Kind { get; }

    public FeatureProfile Profile { get; }

    public DriftMethod Method { get; }

    public double Threshold { get; }

    public double Min { get; }

    public double Max { get; }

    /// <summary>Quantile bin edges (numeric), outer ones infinite.</summary>
    public double[] Edges { get; }

    public double[] ReferenceBins { get; }

    /// <summary>Sorted reference sample (numeric).</summary>
    public double[] ReferenceSample { get; }

    /// <summary>Distinct reference values (numeric, when at most 20), ascending.</summary>
    public double[]? Distinct { get; }

    /// <summary>Reference counts of <see cref="Distinct"/> plus a trailing "other" slot (0).</summary>
    public double[]? ReferenceDistinct { get; }

    /// <summary>Whether this numeric feature is compared as categories of its distinct values.</summary>
    public bool UsesDiscrete { get; }

    /// <summary>Recorded categories (ordinal order); booleans are False, True.</summary>
    public string[] Categories { get; }

    /// <summary>Reference counts of <see cref="Categories"/> plus a trailing "other" slot.</summary>
    public double[] ReferenceCategories { get; }

    public FrozenDictionary<string, int> CategoryIndex { get; }

    public bool IsNumeric => Kind == FeatureKind.Numeric;

    /// <summary>The "other" slot of the category counts.</summary>
    public int OtherCategory => Categories.Length;
}
