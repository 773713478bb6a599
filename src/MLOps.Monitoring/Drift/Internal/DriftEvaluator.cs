using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Statistics;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>Compares the current data of a <see cref="Pane"/> with its compiled reference.</summary>
internal static class DriftEvaluator
{
    public static DriftReport Evaluate(Pane current, SchemaComparison schema, DateTimeOffset createdAt, ModelName? modelName = null, DateTimeOffset? windowStart = null)
    {
        CompiledReference reference = current.Reference;
        DriftOptions options = reference.Options;
        var results = new FeatureDriftResult[reference.Features.Length];
        var quality = new List<FeatureDataQuality>(results.Length);
        for (int i = 0; i < results.Length; i++)
        {
            CompiledFeature feature = reference.Features[i];
            PaneFeature values = current.Features[i];
            bool present = !schema.Absent.Contains(feature.Name);
            results[i] = (present ? Compare(feature, values) : NotEvaluated(feature, 0)) with
            {
                Distribution = DistributionBuilder.Build(feature, values),
            };
            if (present)
            {
                quality.Add(Quality(feature, values, current.Rows));
            }
        }

        Correct(results, options.Correction);
        int evaluated = results.Count(r => r.Evaluated);
        int drifted = results.Count(r => r.Drifted);
        double share = evaluated == 0 ? 0 : (double)drifted / evaluated;
        return new DriftReport
        {
            ModelName = modelName,
            ModelVersion = current.ModelVersion == 0 ? null : current.ModelVersion,
            CreatedAt = createdAt,
            WindowStart = windowStart,
            ReferenceRows = reference.Profile.RowCount,
            CurrentRows = current.Rows,
            Features = results,
            DriftedFeatures = drifted,
            EvaluatedFeatures = evaluated,
            DriftShare = share,
            DriftShareThreshold = options.DriftShareThreshold,
            DatasetDrift = evaluated > 0 && share >= options.DriftShareThreshold,
            Correction = options.Correction,
            DataQuality = new DataQualityReport
            {
                MissingFeatures = schema.Missing,
                UnexpectedFeatures = schema.Unexpected,
                KindMismatches = schema.Mismatched,
                Features = quality,
            },
        };
    }

    private static FeatureDriftResult Compare(CompiledFeature f, PaneFeature cur)
    {
        switch (f.Method)
        {
            case DriftMethod.KolmogorovSmirnov:
            {
                if (f.ReferenceSample.Length == 0 || cur.SampleCount == 0)
                {
                    return NotEvaluated(f, cur.Count);
                }

                double[] sorted = cur.Sample[..cur.SampleCount];
                Array.Sort(sorted);
                TestResult test = KolmogorovSmirnov.TwoSampleSorted(f.ReferenceSample, sorted);
                return Tested(f, cur, test);
            }

            case DriftMethod.Wasserstein:
            {
                if (f.ReferenceSample.Length == 0 || cur.SampleCount == 0)
                {
                    return NotEvaluated(f, cur.Count);
                }

                return Measured(f, cur, Wasserstein.NormedDistance(f.ReferenceSample, cur.Sample.AsSpan(0, cur.SampleCount)));
            }

            case DriftMethod.ZTest:
            {
                (double[] reference, double[] current) = Distribution(f, cur);
                double referenceTotal = reference.Sum(), currentTotal = current.Sum();
                if (referenceTotal == 0 || currentTotal == 0)
                {
                    return NotEvaluated(f, cur.Count);
                }

                // Success = the second category (True, the larger value, or the second category in ordinal order).
                TestResult test = ZTest.TwoProportions((long)reference[1], (long)referenceTotal, (long)current[1], (long)currentTotal);
                return Tested(f, cur, test);
            }

            default:
            {
                (double[] reference, double[] current) = Distribution(f, cur);
                if (reference.Sum() == 0 || current.Sum() == 0)
                {
                    return NotEvaluated(f, cur.Count);
                }

                return f.Method switch
                {
                    DriftMethod.ChiSquare => Tested(f, cur, Homogeneity(reference, current)),
                    DriftMethod.JensenShannon => Measured(f, cur, JensenShannon.Distance(reference, current)),
                    DriftMethod.Hellinger => Measured(f, cur, Hellinger.Distance(reference, current)),
                    _ => Measured(f, cur, PopulationStabilityIndex.FromCounts(reference, current)),
                };
            }
        }
    }

    /// <summary>
    /// Pearson's chi-square test of homogeneity of the 2 × k table (reference counts, current counts), without
    /// continuity correction: both samples are random, so unlike a goodness-of-fit test against the reference shares
    /// (Evidently's choice) it keeps its false-positive rate at the threshold when the reference is small. Computed with
    /// the kernel's goodness of fit against the pooled shares: χ²(homogeneity) = χ²(current vs pooled) · N / n_reference.
    /// </summary>
    internal static TestResult Homogeneity(double[] reference, double[] current)
    {
        double referenceTotal = reference.Sum(), currentTotal = current.Sum();
        var pooled = new double[reference.Length];
        int categories = 0;
        for (int i = 0; i < pooled.Length; i++)
        {
            pooled[i] = reference[i] + current[i];
            categories += pooled[i] > 0 ? 1 : 0;
        }

        if (categories < 2)
        {
            return new TestResult(0, 1);
        }

        double statistic = ChiSquare.GoodnessOfFit(pooled, current).Statistic * (referenceTotal + currentTotal) / referenceTotal;
        return new TestResult(statistic, ChiSquare.SurvivalFunction(statistic, categories - 1));
    }

    /// <summary>The reference and current counts a share-based method compares: categories, distinct values or quantile bins.</summary>
    private static (double[] Reference, double[] Current) Distribution(CompiledFeature f, PaneFeature cur)
    {
        if (!f.IsNumeric)
        {
            return (f.ReferenceCategories, cur.Categories);
        }

        return f.UsesDiscrete ? (f.ReferenceDistinct!, cur.Distinct!) : (f.ReferenceBins, cur.Bins);
    }

    private static FeatureDriftResult Tested(CompiledFeature f, PaneFeature cur, TestResult test) =>
        Result(f, cur.Count, evaluated: true, test.Statistic, score: test.PValue, drifted: test.PValue < f.Threshold, pValue: test.PValue);

    private static FeatureDriftResult Measured(CompiledFeature f, PaneFeature cur, double distance) =>
        Result(f, cur.Count, evaluated: true, distance, score: distance, drifted: distance >= f.Threshold, pValue: null);

    private static FeatureDriftResult NotEvaluated(CompiledFeature f, long currentCount) =>
        Result(f, currentCount, evaluated: false, double.NaN, score: double.NaN, drifted: false, pValue: null);

    /// <summary>The result for one feature; the adjusted p-value starts as the raw one, for <see cref="Correct"/> to adjust.</summary>
    private static FeatureDriftResult Result(CompiledFeature f, long currentCount, bool evaluated, double statistic, double score, bool drifted, double? pValue) => new()
    {
        Feature = f.Name,
        Kind = f.Kind,
        Method = f.Method,
        Evaluated = evaluated,
        Statistic = statistic,
        PValue = pValue,
        AdjustedPValue = pValue,
        Score = score,
        Threshold = f.Threshold,
        Drifted = drifted,
        ReferenceCount = f.Profile.Count,
        CurrentCount = currentCount,
    };

    private static void Correct(FeatureDriftResult[] results, MultipleTestingCorrection correction)
    {
        if (correction == MultipleTestingCorrection.None)
        {
            return;
        }

        int[] tested = [.. Enumerable.Range(0, results.Length).Where(i => results[i] is { Evaluated: true, PValue: not null })];
        if (tested.Length == 0)
        {
            return;
        }

        double[] p = [.. tested.Select(i => results[i].PValue!.Value)];
        double[] adjusted = new double[p.Length];
        if (correction == MultipleTestingCorrection.Bonferroni)
        {
            MultipleTesting.Bonferroni(p, adjusted);
        }
        else
        {
            MultipleTesting.BenjaminiHochberg(p, adjusted);
        }

        for (int k = 0; k < tested.Length; k++)
        {
            FeatureDriftResult r = results[tested[k]];
            results[tested[k]] = r with { AdjustedPValue = adjusted[k], Score = adjusted[k], Drifted = adjusted[k] < r.Threshold };
        }
    }

    private static FeatureDataQuality Quality(CompiledFeature f, PaneFeature cur, long rows)
    {
        FeatureProfile reference = f.Profile;
        long referenceRows = reference.Count + reference.MissingCount + reference.InfinityCount;
        long present = cur.Count;
        return new FeatureDataQuality
        {
            Feature = f.Name,
            RowCount = Math.Max(rows, cur.Count + cur.Missing + cur.Infinity),
            MissingCount = cur.Missing,
            ReferenceMissingRatio = referenceRows == 0 ? 0 : (double)reference.MissingCount / referenceRows,
            InfinityCount = cur.Infinity,
            OutOfRangeCount = cur.OutOfRange,
            OutOfRangeRatio = present == 0 ? 0 : (double)cur.OutOfRange / present,
            UnseenCategoryCount = cur.Unseen,
            UnseenCategoryRatio = present == 0 ? 0 : (double)cur.Unseen / present,
        };
    }
}
