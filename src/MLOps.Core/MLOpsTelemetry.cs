namespace MLOps;

/// <summary>
/// The public telemetry contract of MLOps for .NET: the Meter and ActivitySource name, instrument names and tag keys.
/// Every instrument is documented in <c>docs/telemetry.md</c>.
/// </summary>
public static class MLOpsTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> and of the <see cref="System.Diagnostics.ActivitySource"/>: <c>MLOps</c>.</summary>
    public const string Name = "MLOps";

    /// <summary>Instrument names.</summary>
    public static class Instruments
    {
        /// <summary>Histogram (s): duration of each prediction.</summary>
        public const string PredictionDuration = "mlops.prediction.duration";

        /// <summary>Observable gauge ({version}): the version number each model variant currently serves.</summary>
        public const string ModelLoaded = "mlops.model.loaded";

        /// <summary>Counter ({load}): model load attempts, tagged with the outcome.</summary>
        public const string ModelLoads = "mlops.model.loads";

        /// <summary>Counter ({error}): exceptions thrown by prediction observers.</summary>
        public const string ObserverErrors = "mlops.observer.errors";
    }

    /// <summary>Tag (attribute) keys.</summary>
    public static class Tags
    {
        /// <summary>The model name.</summary>
        public const string ModelName = "mlops.model.name";

        /// <summary>The model version number.</summary>
        public const string ModelVersion = "mlops.model.version";

        /// <summary>The deployment variant (for example <c>primary</c>).</summary>
        public const string Variant = "mlops.deployment.variant";

        /// <summary>The outcome of an operation: <c>success</c> or <c>failure</c>.</summary>
        public const string Outcome = "mlops.outcome";

        /// <summary>The observer's type name.</summary>
        public const string Observer = "mlops.observer";

        /// <summary>The full name of the exception type on failure (OpenTelemetry's <c>error.type</c>).</summary>
        public const string ErrorType = "error.type";
    }
}
