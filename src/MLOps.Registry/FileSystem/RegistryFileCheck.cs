using System.Globalization;

namespace MLOps.Registry.FileSystem;

/// <summary>
/// Checks what a registry file holds before it is used. A file of valid JSON can still be wrong: <c>null</c>, a required
/// field <c>null</c> or out of range, or the record of another model or version than its path says (<c>8.json</c> copied
/// over <c>7.json</c>). Every such file gives a <see cref="ModelRegistryException"/> with
/// <see cref="RegistryErrorCode.CorruptData"/> that names the file and what is wrong; no record is returned unchecked.
/// </summary>
internal static partial class RegistryFileCheck
{
    /// <summary>The exception for a corrupt file.</summary>
    public static ModelRegistryException Corrupt(string path, string problem, Exception? innerException = null) =>
        new(RegistryErrorCode.CorruptData, $"The registry file '{path}' is corrupt: {problem}.", innerException);

    /// <summary>Checks <c>model.json</c>; <paramref name="name"/> is the model its directory is named after.</summary>
    public static ModelDocument Model(ModelDocument? document, string path, ModelName name)
    {
        if (document is null)
        {
            throw Corrupt(path, "it holds null instead of a model document");
        }

        RegisteredModel? model = document.Model;
        if (model is null)
        {
            throw Corrupt(path, "'model' is null");
        }

        Name(model.Name, path, "model.name");
        if (model.Name != name && !string.Equals(model.Name.Value, name.Value, StringComparison.OrdinalIgnoreCase))
        {
            throw Corrupt(path, $"it holds model '{model.Name}', but it is the file of model '{name}'");
        }

        Strings(model.Tags, path, "model.tags");
        Require(model.CreatedBy, path, "model.createdBy");
        if (model.Aliases is null)
        {
            throw Corrupt(path, "'model.aliases' is null");
        }

        foreach ((ModelAlias alias, ModelVersion target) in model.Aliases)
        {
            Alias(alias, path, "model.aliases");
            Version(target, path, $"model.aliases.{alias}");
            if (model.LatestVersion is not { } latest || target > latest)
            {
                throw Corrupt(path, $"alias '{alias}' points to version {target}, above the latest version {Text(model.LatestVersion)}");
            }
        }

        if (model.LatestVersion is { } v)
        {
            Version(v, path, "model.latestVersion");
        }

        if (document.AliasHistory is null)
        {
            throw Corrupt(path, "'aliasHistory' is null");
        }

        for (int i = 0; i < document.AliasHistory.Count; i++)
        {
            string field = $"aliasHistory[{i}]";
            AliasHistoryEntry? entry = document.AliasHistory[i];
            if (entry is null)
            {
                throw Corrupt(path, $"'{field}' is null");
            }

            if (entry.Name != model.Name)
            {
                throw Corrupt(path, $"'{field}' is an entry of model '{entry.Name}', not of '{model.Name}'");
            }

            Alias(entry.Alias, path, field + ".alias");
            if (entry.Revision < 1)
            {
                throw Corrupt(path, $"'{field}.revision' is {entry.Revision}; revisions start at 1");
            }

            Defined(entry.Action, path, field + ".action");
            Require(entry.Actor, path, field + ".actor");
            if (entry.Version is { } to)
            {
                Version(to, path, field + ".version");
            }

            if (entry.PreviousVersion is { } from)
            {
                Version(from, path, field + ".previousVersion");
            }
        }

        Rollouts(document.Rollouts, path, model.Name);
        Pending(document.PendingAudit, path, model.Name);
        return document;
    }

    /// <summary>Checks <c>versions/&lt;n&gt;.json</c> against its path: model <paramref name="name"/>, version <paramref name="number"/>.</summary>
    public static RegisteredModelVersion Version(RegisteredModelVersion? version, string path, ModelName name, int number)
    {
        if (version is null)
        {
            throw Corrupt(path, "it holds null instead of a model version");
        }

        Name(version.Name, path, "name");
        if (version.Name != name)
        {
            throw Corrupt(path, $"it holds a version of model '{version.Name}', but it is a file of model '{name}'");
        }

        Version(version.Version, path, "version");
        if (version.Version.Number != number)
        {
            throw Corrupt(path, $"it holds version {version.Version}, but it is the file of version {number.ToString(CultureInfo.InvariantCulture)}");
        }

        Defined(version.Status, path, "status");
        if (version.Artifacts is null)
        {
            throw Corrupt(path, "'artifacts' is null");
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < version.Artifacts.Count; i++)
        {
            Artifact(version.Artifacts[i], path, $"artifacts[{i}]");
            if (!paths.Add(version.Artifacts[i].Path))
            {
                throw Corrupt(path, $"artifact '{version.Artifacts[i].Path}' is listed twice");
            }
        }

        if (version.PrimaryArtifactPath is null || !ModelArtifact.IsValidPath(version.PrimaryArtifactPath))
        {
            throw Corrupt(path, version.PrimaryArtifactPath is null ? "'primaryArtifactPath' is null" : $"'primaryArtifactPath' '{version.PrimaryArtifactPath}' is not a valid artifact path");
        }

        if (version.Status == ModelVersionStatus.Ready && !paths.Contains(version.PrimaryArtifactPath))
        {
            throw Corrupt(path, $"the version is Ready but its primary artifact '{version.PrimaryArtifactPath}' is not among its artifacts");
        }

        if (version.Metrics is null)
        {
            throw Corrupt(path, "'metrics' is null");
        }

        Strings(version.Params, path, "params");
        Strings(version.Tags, path, "tags");
        Require(version.CreatedBy, path, "createdBy");
        if (version.ReferenceProfile is { } profile)
        {
            Artifact(profile, path, "referenceProfile");
        }

        if (version.Signature is { } signature)
        {
            Columns(signature.Inputs, path, "signature.inputs");
            Columns(signature.Outputs, path, "signature.outputs");
        }

        if (version.FeatureImportance is null)
        {
            // A version written before feature importance existed has no such member: the default (empty) stays. An
            // explicit null is damage.
            throw Corrupt(path, "'featureImportance' is null");
        }

        for (int i = 0; i < version.FeatureImportance.Count; i++)
        {
            FeatureImportance? item = version.FeatureImportance[i];
            if (item is null || item.Feature is null || item.Metric is null || !double.IsFinite(item.Mean) || !double.IsFinite(item.StdDev))
            {
                throw Corrupt(path, $"'featureImportance[{i}]' is incomplete or not finite");
            }
        }

        return version;
    }

    /// <summary>Checks <c>approvals.json</c> of model <paramref name="name"/>.</summary>
    public static List<PromotionApproval> Approvals(List<PromotionApproval>? approvals, string path, ModelName name)
    {
        if (approvals is null)
        {
            throw Corrupt(path, "it holds null instead of a list of approvals");
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < approvals.Count; i++)
        {
            string field = $"[{i}]";
            PromotionApproval? approval = approvals[i];
            if (approval is null)
            {
                throw Corrupt(path, $"approval {field} is null");
            }

            if (string.IsNullOrWhiteSpace(approval.Id))
            {
                throw Corrupt(path, $"approval {field} has no id");
            }

            if (!ids.Add(approval.Id))
            {
                throw Corrupt(path, $"approval id '{approval.Id}' is used twice");
            }

            Name(approval.Name, path, field + ".name");
            if (approval.Name != name)
            {
                throw Corrupt(path, $"approval '{approval.Id}' is a request of model '{approval.Name}', not of '{name}'");
            }

            Version(approval.Version, path, field + ".version");
            Alias(approval.Alias, path, field + ".alias");
            Defined(approval.State, path, field + ".state");
            Require(approval.RequestedBy, path, field + ".requestedBy");
            if (approval.State != ApprovalState.Pending && approval.DecidedBy is null)
            {
                throw Corrupt(path, $"approval '{approval.Id}' is {approval.State} but has no 'decidedBy'");
            }
        }

        return approvals;
    }

    /// <summary>Checks one audit event (a line of <c>audit.jsonl</c>, or a pending one in a state file) of model <paramref name="name"/>.</summary>
    public static AuditEvent Audit(AuditEvent? auditEvent, string path, string where, ModelName name)
    {
        if (auditEvent is null)
        {
            throw Corrupt(path, $"{where} is null instead of an audit event");
        }

        Require(auditEvent.Actor, path, where + ".actor");
        Require(auditEvent.Action, path, where + ".action");
        Require(auditEvent.Target, path, where + ".target");
        Name(auditEvent.Model, path, where + ".model");
        if (auditEvent.Model != name)
        {
            throw Corrupt(path, $"{where} is an event of model '{auditEvent.Model}', but it is in the audit log of '{name}'");
        }

        return auditEvent;
    }

    /// <summary>Checks the audit events a state file carries until they are in <c>audit.jsonl</c>.</summary>
    public static void Pending(List<PendingAuditEvent>? pending, string path, ModelName name)
    {
        if (pending is null)
        {
            return;
        }

        for (int i = 0; i < pending.Count; i++)
        {
            string field = $"pendingAudit[{i}]";
            PendingAuditEvent? entry = pending[i];
            if (entry is null || string.IsNullOrEmpty(entry.Id) || entry.Offset < 0)
            {
                throw Corrupt(path, $"'{field}' is null or has no id or offset");
            }

            Audit(entry.Event, path, $"'{field}.event'", name);
        }
    }

    /// <summary>Checks <c>schema.json</c>.</summary>
    public static SchemaDocument Schema(SchemaDocument? schema, string path) =>
        schema ?? throw Corrupt(path, "it holds null instead of a schema document");

    private static void Artifact(ArtifactDescriptor? artifact, string path, string field)
    {
        if (artifact is null)
        {
            throw Corrupt(path, $"'{field}' is null");
        }

        if (artifact.Path is null || !ModelArtifact.IsValidPath(artifact.Path))
        {
            throw Corrupt(path, artifact.Path is null ? $"'{field}.path' is null" : $"'{field}.path' '{artifact.Path}' is not a valid artifact path");
        }

        if (artifact.Sha256 is not { Length: 64 } sha || !sha.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)))
        {
            throw Corrupt(path, $"'{field}.sha256' of '{artifact.Path}' is not 64 lowercase hexadecimal digits");
        }

        if (artifact.Length < 0)
        {
            throw Corrupt(path, $"'{field}.length' of '{artifact.Path}' is negative");
        }
    }

    private static void Columns(IReadOnlyList<SignatureColumn>? columns, string path, string field)
    {
        if (columns is null)
        {
            throw Corrupt(path, $"'{field}' is null");
        }

        for (int i = 0; i < columns.Count; i++)
        {
            if (columns[i] is not { Name: not null, Type: not null } column || column.Size < 0)
            {
                throw Corrupt(path, $"'{field}[{i}]' is null, has no name or type, or a negative size");
            }
        }
    }

    private static void Strings(IReadOnlyDictionary<string, string>? values, string path, string field)
    {
        if (values is null)
        {
            throw Corrupt(path, $"'{field}' is null");
        }

        foreach ((string key, string? value) in values)
        {
            if (value is null)
            {
                throw Corrupt(path, $"'{field}.{key}' is null");
            }
        }
    }

    private static void Require(string? value, string path, string field)
    {
        if (value is null)
        {
            throw Corrupt(path, $"'{field}' is null");
        }
    }

    private static void Name(ModelName name, string path, string field)
    {
        if (name.Value.Length == 0)
        {
            throw Corrupt(path, $"'{field}' is missing");
        }
    }

    private static void Alias(ModelAlias alias, string path, string field)
    {
        if (alias.Value.Length == 0)
        {
            throw Corrupt(path, $"'{field}' has a missing alias");
        }
    }

    private static void Version(ModelVersion version, string path, string field)
    {
        if (version.Number < 1)
        {
            throw Corrupt(path, $"'{field}' is {version.Number.ToString(CultureInfo.InvariantCulture)}; versions start at 1");
        }
    }

    private static void Defined<TEnum>(TEnum value, string path, string field)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw Corrupt(path, $"'{field}' is {value}, not one of {string.Join(", ", Enum.GetNames<TEnum>())}");
        }
    }

    private static string Text(ModelVersion? version) => version?.ToString() ?? "(none)";
}
