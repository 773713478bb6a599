using System.CommandLine;
using MLOps.Cli.Output;
using MLOps.Cli.Registry;
using Spectre.Console;

namespace MLOps.Cli.Commands;

/// <summary><c>audit</c>: the registry's audit trail.</summary>
internal static class AuditCommand
{
    public static Command Create(CliContext context)
    {
        var audit = new Command("audit", "The registry's audit trail: every change, who made it and why, oldest first.");
        CliContext.RegistryOptions registry = CliContext.AddRegistryOptions(audit);
        var model = new Option<string?>("--model", "-m") { Description = "Only this model." };
        var action = new Option<string?>("--action") { Description = "Only this action (for example alias.promoted, alias.rolled_back, approval.decided)." };
        var from = new Option<string?>("--from") { Description = "Only events at or after this time (ISO 8601)." };
        var to = new Option<string?>("--to") { Description = "Only events before this time (ISO 8601)." };
        var limit = new Option<int>("--limit") { Description = "At most this many events.", DefaultValueFactory = _ => AuditQuery.DefaultLimit };
        audit.Add(model);
        audit.Add(action);
        audit.Add(from);
        audit.Add(to);
        audit.Add(limit);
        CommandRunner.SetAction(audit, async (result, ct) =>
        {
            int max = result.GetValue(limit);
            if (max < 1)
            {
                throw new CliException($"--limit: {max} is not a positive number.");
            }

            string? m = result.GetValue(model);
            var query = new AuditQuery
            {
                Model = m is null ? null : CliContext.ParseModel(m),
                Action = result.GetValue(action),
                From = CliContext.ParseTime(result.GetValue(from), "--from"),
                To = CliContext.ParseTime(result.GetValue(to), "--to"),
                Limit = max,
            };
            using RegistryLease lease = registry.Open(result);
            IReadOnlyList<AuditEvent> events = await lease.Registry.QueryAuditAsync(query, ct);
            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(events.Select(e => new
                {
                    timestamp = e.Timestamp,
                    model = e.Model.Value,
                    action = e.Action,
                    target = e.Target,
                    actor = e.Actor,
                    before = e.Before,
                    after = e.After,
                    reason = e.Reason,
                }));
                return ExitCodes.Ok;
            }

            Table table = CliOutput.Table("Time", "Model", "Action", "Target", "Before", "After", "Actor", "Reason");
            foreach (AuditEvent e in events)
            {
                CliOutput.AddRow(table, e.Timestamp, e.Model, e.Action, e.Target, e.Before, e.After, e.Actor, e.Reason);
            }

            CliOutput.Write(table);
            return ExitCodes.Ok;
        });
        return audit;
    }
}
