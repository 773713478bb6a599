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

        /// <summary>
        /// Observable gauge (%): the share of requests each arm of an active rollout answers (for a shadow, the share mirrored
        /// to it), tagged with <see cref="Tags.ModelName"/> and <see cref="Tags.Variant"/>. A candidate still warming up has 0.
        /// </summary>
        public const string RolloutWeight = "mlops.rollout.weight";

        /// <summary>
        /// Counter ({failure}): failed loads of a rollout's candidate, tagged with <see cref="Tags.ModelName"/>,
        /// <see cref="Tags.ModelVersion"/> (the candidate) and <see cref="Tags.ErrorType"/>. The primary keeps serving.
        /// </summary>
        public const string RolloutCandidateLoadFailures = "mlops.rollout.candidate_load_failures";

        /// <summary>
        /// Counter ({prediction}): shadow predictions made by a shadow rollout's candidate, tagged with
        /// <see cref="Tags.ModelName"/> and <see cref="Tags.ModelVersion"/>.
        /// </summary>
        public const string ShadowPredictions = "mlops.shadow.predictions";

        /// <summary>
        /// Counter ({prediction}): requests not mirrored to a shadow because the mirror queue was full, tagged with
        /// <see cref="Tags.ModelName"/> and <see cref="Tags.ModelVersion"/> (the shadow's).
        /// </summary>
        public const string ShadowDropped = "mlops.shadow.dropped";

        /// <summary>
        /// Counter ({error}): shadow predictions that threw (never seen by a caller), tagged with <see cref="Tags.ModelName"/>,
        /// <see cref="Tags.ModelVersion"/> and <see cref="Tags.ErrorType"/>.
        /// </summary>
        public const string ShadowErrors = "mlops.shadow.errors";

        /// <summary>
        /// Histogram (s): duration of each model-registry operation, tagged with <see cref="Tags.RegistryOperation"/>,
        /// <see cref="Tags.RegistryBackend"/>, <see cref="Tags.Outcome"/> and, unless it succeeded, <see cref="Tags.ErrorType"/>.
        /// </summary>
        public const string RegistryOperationDuration = "mlops.registry.operation.duration";

        /// <summary>
        /// Counter ({change}): registry change events published for mutations made through this process, tagged with
        /// <see cref="Tags.RegistryChangeKind"/>, <see cref="Tags.RegistryBackend"/> and <see cref="Tags.ModelName"/>.
        /// </summary>
        public const string RegistryChanges = "mlops.registry.changes";

        /// <summary>
        /// Histogram (s): duration of each experiment-tracker operation, tagged with <see cref="Tags.TrackingOperation"/>,
        /// <see cref="Tags.TrackingBackend"/>, <see cref="Tags.Outcome"/> and, unless it succeeded, <see cref="Tags.ErrorType"/>.
        /// </summary>
        public const string TrackingOperationDuration = "mlops.tracking.operation.duration";

        /// <summary>
        /// Counter ({run}): runs this process ended, tagged with <see cref="Tags.TrackingRunStatus"/> and
        /// <see cref="Tags.TrackingBackend"/>.
        /// </summary>
        public const string TrackingRunsEnded = "mlops.tracking.runs.ended";

        /// <summary>Counter ({point}): metric points this process stored, tagged with <see cref="Tags.TrackingBackend"/>.</summary>
        public const string TrackingMetricPoints = "mlops.tracking.metric_points";
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

        /// <summary>
        /// The outcome of an operation: <c>success</c> or <c>failure</c>, or a finer value documented per instrument
        /// (for example <c>not_found</c> or <c>conflict</c> for registry operations).
        /// </summary>
        public const string Outcome = "mlops.outcome";

        /// <summary>The observer's type name.</summary>
        public const string Observer = "mlops.observer";

        /// <summary>
        /// The model-registry operation, named after the <c>IModelRegistry</c> method in snake case without
        /// <c>Async</c> (for example <c>register_version</c>, <c>promote</c>, <c>rollback</c>, <c>resolve</c>).
        /// </summary>
        public const string RegistryOperation = "mlops.registry.operation";

        /// <summary>The model-registry backend: <c>file_system</c> or <c>postgres</c>.</summary>
        public const string RegistryBackend = "mlops.registry.backend";

        /// <summary>
        /// The kind of a registry change event in snake case: <c>model_created</c>, <c>model_updated</c>,
        /// <c>version_changed</c>, <c>alias_changed</c>, <c>approval_changed</c> or <c>rollout_changed</c>.
        /// </summary>
        public const string RegistryChangeKind = "mlops.registry.change.kind";

        /// <summary>
        /// The experiment-tracker operation, named after the <c>IExperimentTracker</c> method in snake case without
        /// <c>Async</c> (for example <c>start_run</c>, <c>log_metrics</c>, <c>log_artifact</c>, <c>end_run</c>).
        /// </summary>
        public const string TrackingOperation = "mlops.tracking.operation";

        /// <summary>The experiment-tracker backend: <c>file_system</c> or <c>postgres</c>.</summary>
        public const string TrackingBackend = "mlops.tracking.backend";

        /// <summary>The status a run ended with: <c>finished</c>, <c>failed</c> or <c>killed</c>.</summary>
        public const string TrackingRunStatus = "mlops.tracking.run.status";

        /// <summary>The full name of the exception type on failure (OpenTelemetry's <c>error.type</c>).</summary>
        public const string ErrorType = "error.type";
    }
}
