using System.Text.Json;
using System.Text.Json.Nodes;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    /// <summary>
    /// Reads the audit trail (the query is checked by <see cref="RegistryCore"/>): the events of <c>audit.jsonl</c>, with
    /// any event a change stored in its state file but could not yet append (a full disk): a change that was made is always
    /// in the trail. A torn last line (a writer killed mid-append) is skipped and cut by the next append; any other line
    /// that is not a valid event fails the query with <see cref="RegistryErrorCode.CorruptData"/> naming the file and line.
    /// </summary>
    private async Task<IReadOnlyList<AuditEvent>> ReadAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(forWrite: false, cancellationToken).ConfigureAwait(false);
        var events = new List<AuditEvent>();
        IEnumerable<ModelName> models = query.Model is { } only ? [only] : EnumerateModelNames();
        foreach (ModelName name in models)
        {
            string path = AuditFile(name);
            var ids = new HashSet<string>(StringComparer.Ordinal);
            var found = new List<AuditEvent>();
            if (await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false) is { } content)
            {
                int start = 0;
                int lineNumber = 0;
                while (start < content.Length)
                {
                    int newline = Array.IndexOf(content, (byte)'\n', start);
                    if (newline < 0)
                    {
                        break; // a torn last line of a writer killed mid-append; cut by the next append
                    }

                    lineNumber++;
                    ReadOnlySpan<byte> line = content.AsSpan(start, newline - start);
                    start = newline + 1;
                    if (line.IsEmpty)
                    {
                        continue;
                    }

                    string where = $"line {lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                    found.Add(RegistryFileCheck.Audit(ParseLine(line, path, where), path, where, name));
                    if (AuditLog.IdOf(line) is { } id)
                    {
                        ids.Add(id);
                    }
                }
            }

            foreach (PendingAuditEvent pending in await ReadPendingAuditAsync(name, cancellationToken).ConfigureAwait(false))
            {
                if (ids.Add(pending.Id))
                {
                    found.Add(pending.Event);
                }
            }

            events.AddRange(found.Where(e =>
                (query.Action is null || e.Action == query.Action)
                && (query.From is null || e.Timestamp >= query.From)
                && (query.To is null || e.Timestamp < query.To)));
        }

        List<AuditEvent> ordered = [.. events.OrderBy(e => e.Timestamp)];
        return ordered.Count <= query.Limit ? ordered : ordered.GetRange(ordered.Count - query.Limit, query.Limit);
    }

    private static AuditEvent? ParseLine(ReadOnlySpan<byte> line, string path, string where)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditEvent>(line, RegistryJson.Compact);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or NotSupportedException or ArgumentException)
        {
            throw RegistryFileCheck.Corrupt(path, $"{where} is not a valid audit event ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Replaces <c>model.json</c>. The new audit event is written inside the document, by the same atomic replace that
    /// makes the change (the commit point), and appended to <c>audit.jsonl</c> after it; events the old document carried
    /// that are not in <c>audit.jsonl</c> yet are appended first, or, if that fails too, carried on in the new document.
    /// </summary>
    /// <remarks>Several events (a rollout's promotion: the alias move and the rollout's decision) commit together, in order.</remarks>
    private async Task CommitModelAsync(ModelDocument document, params AuditEvent?[] auditEvents)
    {
        ModelName name = document.Model.Name;
        List<PendingAuditEvent> pending = await PrepareAuditAsync(name, document.PendingAudit, auditEvents).ConfigureAwait(false);
        document.PendingAudit = pending.Count == 0 ? null : pending;
        RememberRollouts(document);   // before the replace: the watcher's event for it must find it already seen
        try
        {
            await WriteJsonAsync(ModelFile(name), document).ConfigureAwait(false);
        }
        catch
        {
            ForgetRollouts(document);
            throw;
        }

        await PublishAuditAsync(name, pending).ConfigureAwait(false);
    }

    /// <summary>Replaces a version file the same way as <see cref="CommitModelAsync"/>.</summary>
    private async Task CommitVersionAsync(RegisteredModelVersion version, List<PendingAuditEvent>? carried, AuditEvent auditEvent)
    {
        List<PendingAuditEvent> pending = await PrepareAuditAsync(version.Name, carried, auditEvent).ConfigureAwait(false);
        JsonObject node = JsonSerializer.SerializeToNode(version, RegistryJson.Options)!.AsObject();
        node[PendingAuditProperty] = JsonSerializer.SerializeToNode(pending, RegistryJson.Options);
        await AtomicFile.WriteAsync(VersionFile(version.Name, version.Version.Number), JsonSerializer.SerializeToUtf8Bytes(node, RegistryJson.Options), Fault, CancellationToken.None)
            .ConfigureAwait(false);
        await PublishAuditAsync(version.Name, pending).ConfigureAwait(false);
    }

    /// <summary>
    /// The audit events the new state must carry: the carried ones that are still not in <c>audit.jsonl</c> and cannot be
    /// appended now (a full disk), then the new ones. Nothing the old state carried is ever dropped unrecorded.
    /// </summary>
    private async Task<List<PendingAuditEvent>> PrepareAuditAsync(ModelName name, List<PendingAuditEvent>? carried, params AuditEvent?[] auditEvents)
    {
        string path = AuditFile(name);
        var pending = new List<PendingAuditEvent>();
        if (carried is { Count: > 0 })
        {
            List<PendingAuditEvent> missing = [.. carried.Where(e => !AuditLog.Contains(path, e))];
            if (missing.Count > 0)
            {
                try
                {
                    await AuditLog.AppendAsync(path, missing, Fault).ConfigureAwait(false);
                    Log.AuditRepaired(_logger, name.Value, missing.Count);
                }
                catch (Exception ex) when (IsStorageFailure(ex))
                {
                    Log.AuditAppendDeferred(_logger, ex, name.Value, missing[0].Event.Action, path);
                    pending.AddRange(missing);
                }
            }
        }

        foreach (AuditEvent? auditEvent in auditEvents)
        {
            if (auditEvent is not null)
            {
                pending.Add(new PendingAuditEvent { Id = Guid.NewGuid().ToString("N"), Offset = AuditLog.LengthOf(path), Event = auditEvent });
            }
        }

        return pending;
    }

    /// <summary>
    /// Appends a committed change's events to <c>audit.jsonl</c>. The change is made and its events stored with it, so a
    /// failure here is not the caller's: it is logged, and the events stay pending in the state file until a later write.
    /// </summary>
    private async Task PublishAuditAsync(ModelName name, List<PendingAuditEvent> pending)
    {
        if (pending.Count == 0)
        {
            return;
        }

        try
        {
            // Carried events may have reached the file in a failed append that wrote part of its lines: never twice.
            string path = AuditFile(name);
            await AuditLog.AppendAsync(path, pending.Count == 1 ? pending : pending.Where(e => !AuditLog.Contains(path, e)), Fault).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            Log.AuditAppendDeferred(_logger, ex, name.Value, pending[^1].Event.Action, AuditFile(name));
        }
    }

    /// <summary>Appends an event that goes with no state change (a rejected promotion); a failure is logged.</summary>
    private async Task AppendAuditOnlyAsync(ModelName name, AuditEvent auditEvent)
    {
        var entry = new PendingAuditEvent { Id = Guid.NewGuid().ToString("N"), Offset = 0, Event = auditEvent };
        await PublishAuditAsync(name, [entry]).ConfigureAwait(false);
    }
}
