using System.Globalization;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// Builds a <see cref="FeatureDistribution"/> from the counts a window already holds for its drift method (reference and
/// current bin, category or distinct-value counts): no second pass over the data, and a bounded size.
/// </summary>
internal static class DistributionBuilder
{
    public static FeatureDistribution Build(CompiledFeature feature, PaneFeature current)
    {
        if (!feature.IsNumeric)
        {
            return Categories(feature.Categories, feature.ReferenceCategories, current.Categories);
        }

        if (feature.UsesDiscrete)
        {
            string[] labels = [.. feature.Distinct!.Select(v => v.ToString("R", CultureInfo.InvariantCulture))];
            return Categories(labels, feature.ReferenceDistinct!, current.Distinct!);
        }

        return Histogram(feature.Edges, feature.ReferenceBins, current.Bins);
    }

    /// <summary>Shares per bin; zero-width bins (ties in the reference, always empty) are merged into the next one, then neighbours merged down to <see cref="FeatureDistribution.MaxBins"/>.</summary>
    internal static FeatureDistribution Histogram(double[] edges, double[] reference, double[] current)
    {
        if (edges.Length < 2)
        {
            return new FeatureDistribution { Reference = [], Current = [] };
        }

        var keptEdges = new List<double>(edges.Length) { edges[0] };
        var keptReference = new List<double>(reference.Length);
        var keptCurrent = new List<double>(current.Length);
        double carryReference = 0, carryCurrent = 0;
        int last = reference.Length - 1;
        for (int i = 0; i <= last; i++)
        {
            carryReference += reference[i];
            carryCurrent += current[i];
            if (i < last && edges[i] == edges[i + 1])
            {
                continue;   // [e, e) holds nothing: its counts (none, by construction) go to the bin that starts at e
            }

            keptEdges.Add(edges[i + 1]);
            keptReference.Add(carryReference);
            keptCurrent.Add(carryCurrent);
            carryReference = carryCurrent = 0;
        }

        int bins = keptReference.Count;
        int group = (bins + FeatureDistribution.MaxBins - 1) / FeatureDistribution.MaxBins;
        if (group > 1)
        {
            var mergedEdges = new List<double> { keptEdges[0] };
            var mergedReference = new List<double>();
            var mergedCurrent = new List<double>();
            for (int start = 0; start < bins; start += group)
            {
                int end = Math.Min(bins, start + group);
                mergedReference.Add(Sum(keptReference, start, end));
                mergedCurrent.Add(Sum(keptCurrent, start, end));
                mergedEdges.Add(keptEdges[end]);
            }

            (keptEdges, keptReference, keptCurrent) = (mergedEdges, mergedReference, mergedCurrent);
        }

        return new FeatureDistribution { Edges = keptEdges, Reference = Shares(keptReference), Current = Shares(keptCurrent) };
    }

    /// <summary>
    /// Shares per label; <paramref name="reference"/> and <paramref name="current"/> have one more slot than
    /// <paramref name="labels"/> (values the reference did not keep, or unseen ones). Beyond
    /// <see cref="FeatureDistribution.MaxCategories"/> labels, the ones with the largest reference plus current share are
    /// kept (in their order) and the others join that slot.
    /// </summary>
    internal static FeatureDistribution Categories(string[] labels, double[] reference, double[] current)
    {
        double referenceTotal = reference.Sum(), currentTotal = current.Sum();
        int[] kept = [.. Enumerable.Range(0, labels.Length)];
        if (labels.Length > FeatureDistribution.MaxCategories)
        {
            kept = [.. kept
                .OrderByDescending(i => Share(reference[i], referenceTotal) + Share(current[i], currentTotal))
                .ThenBy(i => labels[i], StringComparer.Ordinal)
                .Take(FeatureDistribution.MaxCategories)
                .Order()];
        }

        double otherReference = reference[labels.Length], otherCurrent = current[labels.Length];
        var isKept = new bool[labels.Length];
        foreach (int i in kept)
        {
            isKept[i] = true;
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (!isKept[i])
            {
                otherReference += reference[i];
                otherCurrent += current[i];
            }
        }

        bool hasOther = kept.Length < labels.Length || otherReference > 0 || otherCurrent > 0;
        var keptLabels = new List<string>(kept.Length + 1);
        var keptReference = new List<double>(kept.Length + 1);
        var keptCurrent = new List<double>(kept.Length + 1);
        foreach (int i in kept)
        {
            keptLabels.Add(labels[i]);
            keptReference.Add(reference[i]);
            keptCurrent.Add(current[i]);
        }

        if (hasOther)
        {
            keptLabels.Add(FeatureDistribution.OtherLabel);
            keptReference.Add(otherReference);
            keptCurrent.Add(otherCurrent);
        }

        return new FeatureDistribution
        {
            Labels = keptLabels,
            HasOther = hasOther,
            Reference = Shares(keptReference),
            Current = Shares(keptCurrent),
        };
    }

    private static double Share(double count, double total) => total > 0 ? count / total : 0;

    private static double Sum(List<double> values, int start, int end)
    {
        double sum = 0;
        for (int i = start; i < end; i++)
        {
            sum += values[i];
        }

        return sum;
    }

    private static double[] Shares(List<double> counts)
    {
        double total = 0;
        foreach (double c in counts)
        {
            total += c;
        }

        return [.. counts.Select(c => Share(c, total))];
    }
}
