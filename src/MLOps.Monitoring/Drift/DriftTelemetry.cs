namespace MLOps.Monitoring.Drift;

/// <summary>
/// Instrument names and tag keys of drift and data-quality monitoring (meter <c>MLOps</c>, see
/// <see cref="MLOpsTelemetry.Name"/>). They are a public contract, like <see cref="MLOpsTelemetry"/>.
/// </summary>
public static class DriftTelemetry
{
    /// <summary>The value of the <see cref="Tags.Feature"/> tag on dataset-level measurements.</summary>
    public const string DatasetFeature = "dataset";

    /// <summary>The value of the <see cref="Tags.Method"/> tag on dataset-level measurements (the score is the share of drifted features).</summary>
    public const string DatasetMethod = "share";

    /// <summary>Instrument names.</summary>
    public static class Instruments
    {
        /// <summary>Gauge: the latest drift score per feature (p-value of a test, or distance) and, with feature <c>dataset</c>, the share of drifted features.</summary>
        public const string DriftScore = "mlops.drift.score";

        /// <summary>Gauge (0/1): whether the feature (or, with feature <c>dataset</c>, the dataset) drifted in the latest window.</summary>
        public const string DriftDetected = "mlops.drift.detected";

        /// <summary>Counter ({window}): monitoring windows closed, by outcome (<c>evaluated</c>, <c>dropped</c>, <c>failed</c>).</summary>
        public const string Windows = "mlops.drift.windows";

        /// <summary>
        /// Counter ({value}): drift scores or data-quality ratios of a window not published because they were not finite
        /// (for example a distance that overflowed on extreme feature values); tagged with the model name, feature and
        /// method, and <c>mlops.drift.value</c> (the instrument that was skipped, for example <c>mlops.drift.score</c>).
        /// A gauge never records NaN or an infinity.
        /// </summary>
        public const string ValuesSkipped = "mlops.drift.values.skipped";

        /// <summary>
        /// Counter ({window}): closed windows this replica handed to the fleet (<c>AddFleetDrift</c>), by outcome:
        /// <c>published</c> (stored), <c>dropped</c> (the publication queue was full), <c>failed</c> (a publication
        /// attempt failed; it is retried) or <c>lost</c> (still queued when the host stopped, and not published within its
        /// shutdown timeout).
        /// </summary>
        public const string FleetWindows = "mlops.drift.fleet.windows";

        /// <summary>
        /// Counter ({bucket}): fleet time buckets the leader handled, by outcome: <c>evaluated</c> (merged, evaluated,
        /// stored and published), <c>duplicate</c> (another leader had stored it first; not published), <c>skipped</c>
        /// (no reference available yet; retried) or <c>failed</c>.
        /// </summary>
        public const string FleetBuckets = "mlops.drift.fleet.buckets";

        /// <summary>Gauge (1): share of missing values per feature in the latest window.</summary>
        public const string MissingRatio = "mlops.data_quality.missing_ratio";

        /// <summary>Gauge (1): share of values outside the reference minimum and maximum per numeric feature in the latest window.</summary>
        public const string OutOfRangeRatio = "mlops.data_quality.out_of_range_ratio";

        /// <summary>Gauge (1): share of categories not in the reference per categorical feature in the latest window.</summary>
        public const string UnseenCategoryRatio = "mlops.data_quality.unseen_category_ratio";

        /// <summary>Gauge ({value}): infinite values per numeric feature in the latest window.</summary>
        public const string InfiniteValues = "mlops.data_quality.infinite_values";

        /// <summary>Gauge ({feature}): reference features missing from the model input type or of an incompatible type, plus input members the reference does not know.</summary>
        public const string SchemaMismatches = "mlops.data_quality.schema_mismatches";
    }

    /// <summary>Tag keys (besides <see cref="MLOpsTelemetry.Tags.ModelName"/> and <see cref="MLOpsTelemetry.Tags.Outcome"/>).</summary>
    public static class Tags
    {
        /// <summary>The feature name, or <c>dataset</c>.</summary>
        public const string Feature = "mlops.drift.feature";

        /// <summary>The drift method (for example <c>kolmogorov_smirnov</c>, <c>wasserstein</c>, <c>share</c>).</summary>
        public const string Method = "mlops.drift.method";

        /// <summary>The skipped instrument's name, on <see cref="Instruments.ValuesSkipped"/>.</summary>
        public const string Value = "mlops.drift.value";
    }
}
