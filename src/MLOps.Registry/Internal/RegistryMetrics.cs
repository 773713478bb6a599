using System.Diagnostics.Metrics;

namespace MLOps.Registry.Internal;

/// <summary>
/// The registry's instruments, created once per service provider from <see cref="IMeterFactory"/> (Meter
/// <see cref="MLOpsTelemetry.Name"/>). Tag values come from small fixed sets (operation, backend, outcome, change kind,
/// exception type) plus the model name on change events, which exist only for models in the registry.
/// </summary>
internal sealed class RegistryMetrics
{
    public const string FileSystemBackend = "file_system";
    public const string PostgresBackend = "postgres";

    public RegistryMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(MLOpsTelemetry.Name);
        Operations = new OperationTiming(
            Meter,
            MLOpsTelemetry.Instruments.RegistryOperationDuration,
            "Duration of each model-registry operation.",
            MLOpsTelemetry.Tags.RegistryOperation,
            MLOpsTelemetry.Tags.RegistryBackend);
        Changes = Meter.CreateCounter<long>(
            MLOpsTelemetry.Instruments.RegistryChanges,
            unit: "{change}",
            description: "Registry change events published for mutations made through this process.");
    }

    public Meter Meter { get; }

    public OperationTiming Operations { get; }

    public Histogram<double> OperationDuration => Operations.Histogram;

    public Counter<long> Changes { get; }

    /// <summary>Counts a change event a mutation of this process published.</summary>
    public void RecordChange(RegistryChange change, string backend)
    {
        if (!Changes.Enabled || change.Kind == RegistryChangeKind.External)
        {
            return;
        }

        Changes.Add(
            1,
            new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.RegistryChangeKind, ChangeKind(change.Kind)),
            new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.RegistryBackend, backend),
            new KeyValuePair<string, object?>(MLOpsTelemetry.Tags.ModelName, change.Name.Value));
    }

    /// <summary>
    /// <c>success</c>; <c>invalid</c> (refused argument); <c>not_found</c>; <c>conflict</c> (already exists, concurrent
    /// change, write-once parameter, state that does not allow it); <c>rejected</c> (promotion gates failed);
    /// <c>cancelled</c>; <c>error</c> (storage, integrity, schema, lock timeout, anything else).
    /// </summary>
    public static string Outcome(Exception? error) => error switch
    {
        null => "success",
        ArgumentException => "invalid",
        OperationCanceledException => "cancelled",
        ModelRegistryException { ErrorCode: RegistryErrorCode.NotFound } => "not_found",
        ModelRegistryException
        {
            ErrorCode: RegistryErrorCode.Conflict or RegistryErrorCode.AlreadyExists or RegistryErrorCode.InvalidState or RegistryErrorCode.ParamAlreadyLogged,
        } => "conflict",
        ModelRegistryException { ErrorCode: RegistryErrorCode.PromotionRejected } => "rejected",
        _ => "error",
    };

    public static string ChangeKind(RegistryChangeKind kind) => kind switch
    {
        RegistryChangeKind.ModelCreated => "model_created",
        RegistryChangeKind.ModelUpdated => "model_updated",
        RegistryChangeKind.VersionChanged => "version_changed",
        RegistryChangeKind.AliasChanged => "alias_changed",
        RegistryChangeKind.ApprovalChanged => "approval_changed",
        RegistryChangeKind.RolloutChanged => "rollout_changed",
        RegistryChangeKind.External => "external",
        _ => "other",
    };
}
