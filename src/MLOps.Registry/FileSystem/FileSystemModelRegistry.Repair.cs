using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    private async Task MarkFailedAsync(ModelName name, ModelVersion version, string actor, string message)
    {
        try
        {
            using (await LockAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (await ReadVersionForWriteAsync(name, version.Number).ConfigureAwait(false) is not { } stored || stored.Version.Status != ModelVersionStatus.Pending)
                {
                    return;
                }

                DateTimeOffset now = _time.GetUtcNow();
                await CommitVersionAsync(stored.Version with { Status = ModelVersionStatus.Failed, StatusMessage = message, UpdatedAt = now }, stored.Pending,
                    RegistryCore.VersionStatusChanged(name, version, actor, ModelVersionStatus.Pending, ModelVersionStatus.Failed, message, now))
                    .ConfigureAwait(false);
            }

            Publish(new RegistryChange(RegistryChangeKind.VersionChanged, name, version));
        }
        catch (Exception ex) when (IsStorageFailure(ex) || ex is ModelRegistryException)
        {
            // Best effort: the version stays pending, which is never served either.
            Log.MarkFailedFailed(_logger, ex, name.Value, version);
        }
    }

    /// <summary>The audit events a model's state files carry (normally already in <c>audit.jsonl</c>).</summary>
    private async Task<List<PendingAuditEvent>> ReadPendingAuditAsync(ModelName name, CancellationToken cancellationToken)
    {
        var pending = new List<PendingAuditEvent>();
        if (await ReadModelAsync(name, cancellationToken).ConfigureAwait(false) is not { } document)
        {
            return pending;
        }

        pending.AddRange(document.PendingAudit ?? []);
        pending.AddRange((await ReadApprovalsForWriteAsync(name, cancellationToken).ConfigureAwait(false)).Pending);
        foreach (int number in VersionNumbers(name))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await ReadVersionForWriteAsync(name, number).ConfigureAwait(false) is { Pending: { } carried })
            {
                pending.AddRange(carried);
            }
        }

        return pending;
    }

    /// <summary>The audit events a version file or an approval carries (the rest of the record is ignored).</summary>
    private sealed class PendingHolder
    {
        public List<PendingAuditEvent>? PendingAudit { get; set; }
    }
}
