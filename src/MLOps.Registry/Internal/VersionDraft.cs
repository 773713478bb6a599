namespace MLOps.Registry.Internal;

/// <summary>
/// A checked registration, handed by <see cref="RegistryCore.RegisterVersionAsync"/> to <see cref="IRegistryStore.RegisterAsync"/>.
/// The store runs the steps in its own order (the file system numbers the version first, PostgreSQL uploads first) and
/// builds what it writes from these pieces, so the records and audit events are the same on every backend.
/// </summary>
internal sealed class VersionDraft(RegisterVersionRequest request, string primary, string actor)
{
    /// <summary>Gets the request (checked).</summary>
    public RegisterVersionRequest Request => request;

    /// <summary>Gets the model.</summary>
    public ModelName Name => request.Name;

    /// <summary>Gets the actor who registers.</summary>
    public string Actor => actor;

    /// <summary>Gets a value indicating whether a missing model is created (otherwise <see cref="ModelMissing"/> is the error).</summary>
    public bool CreatesModel => request.CreateModelIfMissing;

    /// <summary>The error of a registration into a missing model that the request does not create.</summary>
    public ModelRegistryException ModelMissing() => RegistryCore.ModelMissing(request.Name);

    /// <summary>The model a registration creates implicitly (no description or tags), with its audit event.</summary>
    public (RegisteredModel Model, AuditEvent Audit) NewModel(DateTimeOffset now)
    {
        RegisteredModel model = RegistryCore.NewModel(request.Name, null, null, actor, now);
        return (model, RegistryCore.ModelCreated(model));
    }

    /// <summary>
    /// The version as its registration first records it, with its audit event: <see cref="ModelVersionStatus.Pending"/>, no
    /// artifacts, the request's description, signature and lineage, copies of its metrics, parameters and tags.
    /// </summary>
    public (RegisteredModelVersion Version, AuditEvent Audit) Pending(ModelVersion version, DateTimeOffset now) =>
        (new RegisteredModelVersion
        {
            Name = request.Name,
            Version = version,
            Status = ModelVersionStatus.Pending,
            Description = request.Description,
            PrimaryArtifactPath = primary,
            Metrics = Copy(request.Metrics),
            Params = Copy(request.Params),
            Tags = Copy(request.Tags),
            Signature = request.Signature,
            Lineage = request.Lineage,
            FeatureImportance = RegistryValidation.FeatureImportance(request.FeatureImportance, nameof(request)) ?? [],
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = actor,
        },
        RegistryCore.VersionCreated(request.Name, version, actor, request.Lineage, now));

    /// <summary>The pending version made <see cref="ModelVersionStatus.Ready"/> with its stored artifacts and reference profile, with its audit event.</summary>
    public (RegisteredModelVersion Version, AuditEvent Audit) Ready(
        RegisteredModelVersion pending, IReadOnlyList<ArtifactDescriptor> artifacts, ArtifactDescriptor? profile, DateTimeOffset now) =>
        (pending with
        {
            Status = ModelVersionStatus.Ready,
            Artifacts = artifacts,
            ReferenceProfile = profile,
            ReferenceProfileContentType = request.ReferenceProfile?.ContentType,
            UpdatedAt = now,
        },
        RegistryCore.VersionStatusChanged(request.Name, pending.Version, actor, ModelVersionStatus.Pending, ModelVersionStatus.Ready, null, now));

    private static Dictionary<string, TValue> Copy<TValue>(IReadOnlyDictionary<string, TValue>? source) =>
        source is null ? [] : new Dictionary<string, TValue>(source, StringComparer.Ordinal);
}
