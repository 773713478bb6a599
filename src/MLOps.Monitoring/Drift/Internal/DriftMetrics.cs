using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>Drift and data-quality instruments, created once per service provider from <see cref="IMeterFactory"/>.</summary>
internal sealed class DriftMetrics
{
    public DriftMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(MLOpsTelemetry.Name);
        Score = meter.CreateGauge<double>(DriftTelemetry.Instruments.DriftScore, unit: "1",
            description: "Latest drift score per feature (p-value of a test or a distance; dataset: share of drifted features).");
        Detected = meter.CreateGauge<int>(DriftTelemetry.Instruments.DriftDetected, unit: "1",
            description: "1 when the feature (or dataset) drifted in the latest window, else 0.");
        Windows = meter.CreateCounter<long>(DriftTelemetry.Instruments.Windows, unit: "{window}",
            description: "Drift monitoring windows closed, by outcome.");
        MissingRatio = meter.CreateGauge<double>(DriftTelemetry.Instruments.MissingRatio, unit: "1",
            description: "Share of missing values per feature in the latest window.");
        OutOfRangeRatio = meter.CreateGauge<double>(DriftTelemetry.Instruments.OutOfRangeRatio, unit: "1",
            description: "Share of values outside the reference range per numeric feature in the latest window.");
        UnseenCategoryRatio = meter.CreateGauge<double>(DriftTelemetry.Instruments.UnseenCategoryRatio, unit: "1",
            description: "Share of categories the reference did not record per categorical feature in the latest window.");
        InfiniteValues = meter.CreateGauge<long>(DriftTelemetry.Instruments.InfiniteValues, unit: "{value}",
            description: "Infinite values per numeric feature in the latest window.");
        ValuesSkipped = meter.CreateCounter<long>(DriftTelemetry.Instruments.ValuesSkipped, unit: "{value}",
            description: "Drift scores and data-quality ratios not published because they were not finite.");
        SchemaMismatches = meter.CreateGauge<long>(DriftTelemetry.Instruments.SchemaMismatches, unit: "{feature}",
            description: "Features missing, unexpected or of an incompatible type compared with the reference profile.");
    }

    public Gauge<double> Score { get; }

    public Gauge<int> Detected { get; }

    public Counter<long> Windows { get; }

    public Gauge<double> MissingRatio { get; }

    public Gauge<double> OutOfRangeRatio { get; }

    public Gauge<double> UnseenCategoryRatio { get; }

    public Gauge<long> InfiniteValues { get; }

    public Gauge<long> SchemaMismatches { get; }

    public Counter<long> ValuesSkipped { get; }

    public static string MethodTag(DriftMethod method) => method switch
    {
        DriftMethod.KolmogorovSmirnov => "kolmogorov_smirnov",
        DriftMethod.ChiSquare => "chi_square",
        DriftMethod.ZTest => "z_test",
        DriftMethod.Wasserstein => "wasserstein",
        DriftMethod.JensenShannon => "jensen_shannon",
        DriftMethod.PopulationStabilityIndex => "psi",
        DriftMethod.Hellinger => "hellinger",
        _ => "auto",
    };

    public void CountWindow(string model, string outcome)
    {
        if (Windows.Enabled)
        {
            Windows.Add(1, new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, model), new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.Outcome, outcome));
        }
    }

    public void Publish(string model, DriftReport report)
    {
        foreach (FeatureDriftResult feature in report.Features)
        {
            if (!feature.Evaluated)
            {
                continue;
            }

            var tags = new TagList
            {
                { MLOpsTelemetry.Tags.ModelName, model },
                { DriftTelemetry.Tags.Feature, feature.Feature },
                { DriftTelemetry.Tags.Method, MethodTag(feature.Method) },
            };
            RecordFinite(Score, feature.Score, tags);
            Detected.Record(feature.Drifted ? 1 : 0, tags);
        }

        var dataset = new TagList
        {
            { MLOpsTelemetry.Tags.ModelName, model },
            { DriftTelemetry.Tags.Feature, DriftTelemetry.DatasetFeature },
            { DriftTelemetry.Tags.Method, DriftTelemetry.DatasetMethod },
        };
        RecordFinite(Score, report.DriftShare, dataset);
        Detected.Record(report.DatasetDrift ? 1 : 0, dataset);

        DataQualityReport quality = report.DataQuality;
        foreach (FeatureDataQuality feature in quality.Features)
        {
            var tags = new TagList
            {
                { MLOpsTelemetry.Tags.ModelName, model },
                { DriftTelemetry.Tags.Feature, feature.Feature },
            };
            RecordFinite(MissingRatio, feature.MissingRatio, tags);
            if (report.Find(feature.Feature)?.Kind == Profiles.FeatureKind.Numeric)
            {
                RecordFinite(OutOfRangeRatio, feature.OutOfRangeRatio, tags);
                InfiniteValues.Record(feature.InfinityCount, tags);
            }
            else
            {
                RecordFinite(UnseenCategoryRatio, feature.UnseenCategoryRatio, tags);
            }
        }

        SchemaMismatches.Record(
            quality.MissingFeatures.Count + quality.UnexpectedFeatures.Count + quality.KindMismatches.Count,
            new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, model));
    }

    /// <summary>Records a finite value; a NaN or an infinity is counted in <see cref="ValuesSkipped"/> instead, never published.</summary>
    private void RecordFinite(Gauge<double> gauge, double value, TagList tags)
    {
        if (double.IsFinite(value))
        {
            gauge.Record(value, tags);
        }
        else if (ValuesSkipped.Enabled)
        {
            tags.Add(DriftTelemetry.Tags.Value, gauge.Name);
            ValuesSkipped.Add(1, tags);
        }
    }
}
