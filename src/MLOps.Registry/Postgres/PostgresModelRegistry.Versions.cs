using System.Globalization;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using Npgsql;
using NpgsqlTypes;
using Log = MLOps.Registry.Postgres.Internal.Log;

namespace MLOps;

/// <content>Versions, artifacts and reference profiles.</content>
public sealed partial class PostgresModelRegistry
{
    private const string ProfileKeyName = "reference-profile";

    /// <inheritdoc/>
    public override Task<RegisteredModelVersion> RegisterVersionAsync(RegisterVersionRequest request, CancellationToken cancellationToken = default) =>
        Core.RegisterVersionAsync(request, cancellationToken);

    /// <summary>
    /// PostgreSQL's order: the artifacts are uploaded first under keys unique to this attempt, then one transaction takes the
    /// number and inserts the ready version; if it fails, the uploads are deleted.
    /// </summary>
    private async Task<RegisteredModelVersion> RegisterAsync(VersionDraft draft, CancellationToken cancellationToken)
    {
        RegisterVersionRequest request = draft.Request;
        if (!draft.CreatesModel && await GetModelAsync(draft.Name, cancellationToken).ConfigureAwait(false) is null)
        {
            throw draft.ModelMissing();
        }

        // Upload first, outside the transaction, under keys unique to this attempt: the version row lock is then held only
        // for the few statements that allocate the number and insert the row, not for the upload.
        await EnsureInitializedAsync(cancellationToken).ConfigureAwait(false);
        string prefix = $"{request.Name.Value}/{Guid.NewGuid():N}/";
        var stored = new List<PostgresJson.ArtifactJson>(request.Artifacts.Count);
        ArtifactDescriptor? profile = null;
        try
        {
            foreach (ModelArtifact artifact in request.Artifacts)
            {
                Stream content = await artifact.OpenReadAsync(cancellationToken).ConfigureAwait(false);
                await using (content.ConfigureAwait(false))
                {
                    ArtifactDescriptor descriptor = await _store.PutAsync(ArtifactKeys.Compose(prefix, "artifacts", artifact.Path), content, cancellationToken).ConfigureAwait(false);
                    stored.Add(new PostgresJson.ArtifactJson { Path = artifact.Path, Key = descriptor.Path, Sha256 = descriptor.Sha256, Length = descriptor.Length });
                }
            }

            if (request.ReferenceProfile is { } referenceProfile)
            {
                using var content = new MemoryStream(referenceProfile.Content.ToArray(), writable: false);
                profile = await _store.PutAsync(prefix + ProfileKeyName, content, cancellationToken).ConfigureAwait(false);
            }

            RegisteredModelVersion registered = await MutateAsync(
                async m =>
                {
                    if (draft.CreatesModel)
                    {
                        (RegisteredModel model, AuditEvent created) = draft.NewModel(m.Now);
                        if (await InsertModelAsync(m, model, created, cancellationToken).ConfigureAwait(false))
                        {
                            await m.ChangedAsync(new RegistryChange(RegistryChangeKind.ModelCreated, request.Name), cancellationToken).ConfigureAwait(false);
                        }
                    }

                    int number;
                    using (NpgsqlCommand allocate = m.Command(
                        "UPDATE __schema__.models SET last_version = last_version + 1, updated_at = $2 WHERE name = $1 RETURNING last_version")
                        .With(request.Name.Value).With(m.Now))
                    {
                        number = await allocate.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as int?
                            ?? throw draft.ModelMissing();
                    }

                    var version = new ModelVersion(number);
                    (RegisteredModelVersion pending, AuditEvent pendingAudit) = draft.Pending(version, m.Now);
                    (RegisteredModelVersion row, AuditEvent readyAudit) = draft.Ready(
                        pending, [.. stored.Select(s => new ArtifactDescriptor(s.Path, s.Sha256, s.Length))], profile, m.Now);
                    using (NpgsqlCommand insert = m.Command(
                        """
                        INSERT INTO __schema__.model_versions (model_name, version, status, description, artifacts, primary_artifact_path, metrics, params, tags,
                          signature, lineage, profile_key, profile_sha256, profile_length, profile_content_type, created_at, updated_at, created_by, feature_importance)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17, $18)
                        """)
                        .With(row.Name.Value).With(number).With((short)row.Status).WithText(row.Description)
                        .WithJson(PostgresJson.Serialize(stored)).With(row.PrimaryArtifactPath)
                        .WithJson(PostgresJson.Dictionary(row.Metrics)).WithJson(PostgresJson.Dictionary(row.Params)).WithJson(PostgresJson.Dictionary(row.Tags))
                        .WithJson(PostgresJson.Signature(row.Signature)).WithJson(PostgresJson.Lineage(row.Lineage))
                        .WithText(row.ReferenceProfile?.Path).WithText(row.ReferenceProfile?.Sha256).WithNullable(row.ReferenceProfile?.Length, NpgsqlDbType.Bigint)
                        .WithText(row.ReferenceProfileContentType).With(row.CreatedAt).With(row.CreatedBy)
                        .WithJson(PostgresJson.FeatureImportance(row.FeatureImportance)))
                    {
                        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    // Artifacts are stored before the row is inserted, so the version is ready when it becomes visible;
                    // the audit trail still records both steps (created pending, then ready) like every backend.
                    await m.AuditAsync(pendingAudit, cancellationToken).ConfigureAwait(false);
                    await m.AuditAsync(readyAudit, cancellationToken).ConfigureAwait(false);
                    await m.ChangedAsync(new RegistryChange(RegistryChangeKind.VersionChanged, request.Name, version), cancellationToken).ConfigureAwait(false);
                    return await ReadVersionAsync(m, request.Name, version, cancellationToken).ConfigureAwait(false)
                        ?? throw new InvalidOperationException("The registered version disappeared.");
                },
                cancellationToken).ConfigureAwait(false);
            return registered;
        }
        catch
        {
            await DeleteUploadsAsync(request.Name, stored.Select(s => s.Key), profile?.Path).ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public override Task<RegisteredModelVersion?> GetVersionAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default)
    {
        RequireName(name, nameof(name));
        RequireVersion(version, nameof(version));
        return ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = Command(connection, $"SELECT {VersionColumns} FROM __schema__.model_versions v WHERE v.model_name = $1 AND v.version = $2")
                    .With(name.Value).With(version.Number);
                return (await ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<RegisteredModelVersion?> ResolveAsync(ModelReference reference, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = reference switch
                {
                    { Alias: { } alias } => Command(
                        connection,
                        $"SELECT {VersionColumns} FROM __schema__.aliases a JOIN __schema__.model_versions v ON v.model_name = a.model_name AND v.version = a.version " +
                        "WHERE a.model_name = $1 AND a.alias = $2").With(reference.Name.Value).With(alias.Value),
                    { Version: { } version } => Command(
                        connection,
                        $"SELECT {VersionColumns} FROM __schema__.model_versions v WHERE v.model_name = $1 AND v.version = $2").With(reference.Name.Value).With(version.Number),
                    _ => Command(
                        connection,
                        $"SELECT {VersionColumns} FROM __schema__.model_versions v WHERE v.model_name = $1 AND v.status = $2 ORDER BY v.version DESC LIMIT 1")
                        .With(reference.Name.Value).With((short)ModelVersionStatus.Ready),
                };
                return (await ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public override Task<IReadOnlyList<RegisteredModelVersion>> ListVersionsAsync(ModelName name, CancellationToken cancellationToken = default)
    {
        RequireName(name, nameof(name));
        return ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = Command(connection, $"SELECT {VersionColumns} FROM __schema__.model_versions v WHERE v.model_name = $1 ORDER BY v.version")
                    .With(name.Value);
                return (IReadOnlyList<RegisteredModelVersion>)await ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <inheritdoc/>
    public override async Task<Stream> OpenArtifactAsync(ModelName name, ModelVersion version, string? path = null, CancellationToken cancellationToken = default)
    {
        RequireName(name, nameof(name));
        RequireVersion(version, nameof(version));
        (string? artifacts, string primary) = await ReadAsync(
            async connection =>
            {
                using NpgsqlCommand command = Command(connection, "SELECT artifacts::text, primary_artifact_path FROM __schema__.model_versions WHERE model_name = $1 AND version = $2")
                    .With(name.Value).With(version.Number);
                NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? (reader.GetString(0), reader.GetString(1)) : ((string?)null, string.Empty);
                }
            },
            cancellationToken).ConfigureAwait(false);
        if (artifacts is null)
        {
            throw NotFound($"Version {version} of model '{name}' does not exist.");
        }

        string wanted = path ?? primary;
        PostgresJson.ArtifactJson artifact = PostgresJson.Deserialize<List<PostgresJson.ArtifactJson>>(artifacts).Find(a => a.Path == wanted)
            ?? throw NotFound($"Version {version} of model '{name}' has no artifact '{wanted}'.");
        return await _store.OpenReadAsync(new ArtifactDescriptor(artifact.Key, artifact.Sha256, artifact.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores a reference profile's content under a key unique to this attempt.</summary>
    private async Task<ArtifactDescriptor> PutProfileAsync(ModelName name, ReferenceProfileBlob profile, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(profile.Content.ToArray(), writable: false);
        return await _store.PutAsync($"{name.Value}/{Guid.NewGuid():N}/{ProfileKeyName}", content, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override async Task<ReferenceProfileBlob?> GetReferenceProfileAsync(ModelName name, ModelVersion version, CancellationToken cancellationToken = default)
    {
        RegisteredModelVersion? found = await GetVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
        if (found?.ReferenceProfile is not { } descriptor)
        {
            return null;
        }

        Stream stream = await _store.OpenReadAsync(descriptor, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            return new ReferenceProfileBlob(found.ReferenceProfileContentType ?? "application/octet-stream", buffer.ToArray());
        }
    }

    private async Task DeleteUploadsAsync(ModelName name, IEnumerable<string> keys, string? profileKey)
    {
        foreach (string key in profileKey is null ? keys : keys.Append(profileKey))
        {
            try
            {
                await _store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: the registration's own failure is what the caller needs to see.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Log.ArtifactCleanupFailed(_logger, ex, key, name.Value);
            }
        }
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql) => new(Sql(sql), connection) { CommandTimeout = _commandTimeout };

    private static async Task<RegisteredModelVersion?> ReadVersionAsync(Mutation m, ModelName name, ModelVersion version, CancellationToken cancellationToken)
    {
        using NpgsqlCommand command = m.Command($"SELECT {VersionColumns} FROM __schema__.model_versions v WHERE v.model_name = $1 AND v.version = $2")
            .With(name.Value).With(version.Number);
        return (await ReadVersionsAsync(command, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
    }

    private static async Task<List<RegisteredModelVersion>> ReadVersionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var versions = new List<RegisteredModelVersion>();
        NpgsqlDataReader reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                versions.Add(ReadVersion(reader));
            }
        }

        return versions;
    }

    private static RegisteredModelVersion ReadVersion(NpgsqlDataReader reader) => new()
    {
        Name = ModelName.Parse(reader.GetString(0)),
        Version = new ModelVersion(reader.GetInt32(1)),
        Status = (ModelVersionStatus)reader.GetInt16(2),
        StatusMessage = reader.IsDBNull(3) ? null : reader.GetString(3),
        Description = reader.IsDBNull(4) ? null : reader.GetString(4),
        Artifacts = [.. PostgresJson.Deserialize<List<PostgresJson.ArtifactJson>>(reader.GetString(5)).Select(a => new ArtifactDescriptor(a.Path, a.Sha256, a.Length))],
        PrimaryArtifactPath = reader.GetString(6),
        Metrics = PostgresJson.Deserialize<Dictionary<string, double>>(reader.GetString(7)),
        Params = PostgresJson.Deserialize<Dictionary<string, string>>(reader.GetString(8)),
        Tags = PostgresJson.Deserialize<Dictionary<string, string>>(reader.GetString(9)),
        Signature = PostgresJson.Signature(reader.IsDBNull(10) ? null : reader.GetString(10)),
        Lineage = PostgresJson.Lineage(reader.IsDBNull(11) ? null : reader.GetString(11)),
        ReferenceProfile = reader.IsDBNull(12) ? null : new ArtifactDescriptor(reader.GetString(12), reader.GetString(13), reader.GetInt64(14)),
        ReferenceProfileContentType = reader.IsDBNull(15) ? null : reader.GetString(15),
        CreatedAt = reader.GetFieldValue<DateTimeOffset>(16),
        UpdatedAt = reader.GetFieldValue<DateTimeOffset>(17),
        CreatedBy = reader.GetString(18),
        FeatureImportance = PostgresJson.FeatureImportance(reader.IsDBNull(19) ? null : reader.GetString(19)),
    };

    private static void RequireVersion(ModelVersion version, string paramName) => RegistryValidation.Version(version, paramName);

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
