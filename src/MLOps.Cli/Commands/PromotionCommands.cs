using System.CommandLine;
using System.Globalization;
using MLOps.Cli.Output;
using MLOps.Cli.Registry;
using Spectre.Console;

namespace MLOps.Cli.Commands;

/// <summary><c>promote</c>, <c>rollback</c> and <c>approvals list|request|approve|reject</c>: the registry's write side.</summary>
internal static class PromotionCommands
{
    public static Command Promote(CliContext context)
    {
        var promote = new Command("promote", "Point an alias at a version, through the promotion gates you name (exit code 3 when a gate refuses).");
        CliContext.RegistryOptions registry = CliContext.AddRegistryOptions(promote);
        var name = new Argument<string>("model") { Description = "The model name." };
        var version = new Argument<string>("version") { Description = "The version to promote (3 or v3)." };
        var alias = new Option<string>("--alias", "-a") { Description = "The alias to move.", DefaultValueFactory = _ => ModelAlias.Champion.Value };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the alias history and the audit trail)." };
        var expected = new Option<long?>("--expected-revision") { Description = "Fail unless the alias is still at this revision (optimistic concurrency; see aliases history)." };
        var min = new Option<string[]>("--min-metric") { Description = "Gate: the version's metric must be at least this (name=value). Repeatable.", AllowMultipleArgumentsPerToken = false };
        var max = new Option<string[]>("--max-metric") { Description = "Gate: the version's metric must be at most this (name=value). Repeatable." };
        var beat = new Option<string[]>("--beat-current") { Description = "Gate: the version must beat the alias's current holder on this metric: name (higher is better) or name:lower (lower is better, e.g. rmse:lower). Repeatable." };
        var approval = new Option<bool>("--require-approval") { Description = "Gate: an approved approval request must exist for this version and alias." };
        promote.Add(name);
        promote.Add(version);
        promote.Add(alias);
        promote.Add(reason);
        promote.Add(expected);
        promote.Add(min);
        promote.Add(max);
        promote.Add(beat);
        promote.Add(approval);
        CommandRunner.SetAction(promote, async (result, ct) =>
        {
            var gates = new List<PromotionGate>();
            foreach ((string metric, double value) in (result.GetValue(min) ?? []).Select(v => ParseMetric(v, "--min-metric")))
            {
                gates.Add(new MetricThresholdGate(metric, minimum: value));
            }

            foreach ((string metric, double value) in (result.GetValue(max) ?? []).Select(v => ParseMetric(v, "--max-metric")))
            {
                gates.Add(new MetricThresholdGate(metric, maximum: value));
            }

            foreach (string metric in result.GetValue(beat) ?? [])
            {
                bool lower = metric.EndsWith(":lower", StringComparison.OrdinalIgnoreCase);
                string metricName = lower ? metric[..^":lower".Length] : metric.EndsWith(":higher", StringComparison.OrdinalIgnoreCase) ? metric[..^":higher".Length] : metric;
                if (metricName.Length == 0 || metricName.Contains(':', StringComparison.Ordinal))
                {
                    throw new CliException($"--beat-current: '{metric}' is not a metric name, optionally followed by :lower or :higher.");
                }

                gates.Add(new BeatCurrentHolderGate(metricName, higherIsBetter: !lower));
            }

            if (result.GetValue(approval))
            {
                gates.Add(new ApprovalRequiredGate());
            }

            using RegistryLease lease = registry.Open(result);
            ModelName model = CliContext.ParseModel(result.GetRequiredValue(name));
            AliasHistoryEntry entry = await lease.Registry.PromoteAsync(
                new PromoteRequest(model, CliContext.ParseVersion(result.GetRequiredValue(version)), CliContext.ParseAlias(result.GetRequiredValue(alias)))
                {
                    Reason = result.GetValue(reason),
                    ExpectedRevision = result.GetValue(expected),
                    Gates = gates.Count == 0 ? null : gates,
                    Actor = result.GetValue(registry.Actor),
                },
                ct);
            WriteEntry(context, result, entry);
            return ExitCodes.Ok;
        });
        return promote;
    }

    public static Command Rollback(CliContext context)
    {
        var rollback = new Command("rollback", "Move an alias back to the version it held before its last move.");
        CliContext.RegistryOptions registry = CliContext.AddRegistryOptions(rollback);
        var name = new Argument<string>("model") { Description = "The model name." };
        var alias = new Option<string>("--alias", "-a") { Description = "The alias to roll back.", DefaultValueFactory = _ => ModelAlias.Champion.Value };
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the alias history and the audit trail)." };
        var expected = new Option<long?>("--expected-revision") { Description = "Fail unless the alias is still at this revision." };
        rollback.Add(name);
        rollback.Add(alias);
        rollback.Add(reason);
        rollback.Add(expected);
        CommandRunner.SetAction(rollback, async (result, ct) =>
        {
            using RegistryLease lease = registry.Open(result);
            ModelName model = CliContext.ParseModel(result.GetRequiredValue(name));
            AliasHistoryEntry entry = await lease.Registry.RollbackAsync(
                new RollbackRequest(model, CliContext.ParseAlias(result.GetRequiredValue(alias)))
                {
                    Reason = result.GetValue(reason),
                    ExpectedRevision = result.GetValue(expected),
                    Actor = result.GetValue(registry.Actor),
                },
                ct);
            WriteEntry(context, result, entry);
            return ExitCodes.Ok;
        });
        return rollback;
    }

    public static Command Approvals(CliContext context)
    {
        var approvals = new Command("approvals", "Promotion approval requests (for --require-approval).");

        var list = new Command("list", "List a model's approval requests.");
        CliContext.RegistryOptions registry = CliContext.AddRegistryOptions(list);
        var name = new Argument<string>("model") { Description = "The model name." };
        var state = new Option<ApprovalState?>("--state") { Description = "Only requests in this state (Pending, Approved, Rejected)." };
        list.Add(name);
        list.Add(state);
        CommandRunner.SetAction(list, async (result, ct) =>
        {
            using RegistryLease lease = registry.Open(result);
            RegisteredModel model = await ModelCommands.RequireModelAsync(lease.Registry, result.GetRequiredValue(name), ct);
            ApprovalState? only = result.GetValue(state);
            IReadOnlyList<PromotionApproval> found = [.. (await lease.Registry.ListApprovalsAsync(model.Name, ct)).Where(a => only is null || a.State == only)];
            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(found.Select(Describe));
                return ExitCodes.Ok;
            }

            Table table = CliOutput.Table("Id", "Version", "Alias", "State", "Requested", "By", "Reason", "Decided by", "Decision reason");
            foreach (PromotionApproval a in found)
            {
                CliOutput.AddRow(table, a.Id, a.Version, a.Alias, a.State, a.RequestedAt, a.RequestedBy, a.Reason, a.DecidedBy, a.DecisionReason);
            }

            CliOutput.Write(table);
            return ExitCodes.Ok;
        });
        approvals.Add(list);

        var request = new Command("request", "Ask for approval to promote a version to an alias.");
        CliContext.RegistryOptions requestRegistry = CliContext.AddRegistryOptions(request);
        var requestName = new Argument<string>("model") { Description = "The model name." };
        var version = new Argument<string>("version") { Description = "The version (3 or v3)." };
        var alias = new Option<string>("--alias", "-a") { Description = "The alias.", DefaultValueFactory = _ => ModelAlias.Champion.Value };
        var requestReason = new Option<string?>("--reason") { Description = "Why." };
        request.Add(requestName);
        request.Add(version);
        request.Add(alias);
        request.Add(requestReason);
        CommandRunner.SetAction(request, async (result, ct) =>
        {
            using RegistryLease lease = requestRegistry.Open(result);
            PromotionApproval created = await lease.Registry.RequestApprovalAsync(
                new ApprovalRequest(CliContext.ParseModel(result.GetRequiredValue(requestName)), CliContext.ParseVersion(result.GetRequiredValue(version)), CliContext.ParseAlias(result.GetRequiredValue(alias)))
                {
                    Reason = result.GetValue(requestReason),
                    Actor = result.GetValue(requestRegistry.Actor),
                },
                ct);
            WriteApproval(context, result, created);
            return ExitCodes.Ok;
        });
        approvals.Add(request);
        approvals.Add(Decide(context, approve: true));
        approvals.Add(Decide(context, approve: false));
        return approvals;
    }

    private static Command Decide(CliContext context, bool approve)
    {
        var command = new Command(approve ? "approve" : "reject", approve ? "Approve a pending request." : "Reject a pending request.");
        CliContext.RegistryOptions registry = CliContext.AddRegistryOptions(command);
        var name = new Argument<string>("model") { Description = "The model name." };
        var id = new Argument<string>("id") { Description = "The approval request id (see approvals list)." };
        var reason = new Option<string?>("--reason") { Description = "Why." };
        command.Add(name);
        command.Add(id);
        command.Add(reason);
        CommandRunner.SetAction(command, async (result, ct) =>
        {
            using RegistryLease lease = registry.Open(result);
            PromotionApproval decided = await lease.Registry.DecideApprovalAsync(
                new ApprovalDecision(CliContext.ParseModel(result.GetRequiredValue(name)), result.GetRequiredValue(id), approve)
                {
                    Reason = result.GetValue(reason),
                    Actor = result.GetValue(registry.Actor),
                },
                ct);
            WriteApproval(context, result, decided);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static (string Metric, double Value) ParseMetric(string text, string option)
    {
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || !double.TryParse(text.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            throw new CliException($"{option}: '{text}' is not name=value with a finite number, for example r2=0.8.");
        }

        return (text[..eq], value);
    }

    private static void WriteEntry(CliContext context, ParseResult result, AliasHistoryEntry entry)
    {
        if (result.GetValue(context.Json))
        {
            CliOutput.WriteJson(ModelCommands.Describe(entry));
            return;
        }

        string from = entry.PreviousVersion is { } p ? $"v{p}" : "nothing";
        CliOutput.Line($"{entry.Name}: {entry.Alias} → v{entry.Version} (was {from}); revision {entry.Revision}.");
    }

    private static void WriteApproval(CliContext context, ParseResult result, PromotionApproval approval)
    {
        if (result.GetValue(context.Json))
        {
            CliOutput.WriteJson(Describe(approval));
            return;
        }

        CliOutput.Line($"{approval.Name}: approval {approval.Id} for v{approval.Version} → {approval.Alias} is {approval.State.ToString().ToLowerInvariant()}.");
    }

    private static object Describe(PromotionApproval a) => new
    {
        id = a.Id,
        model = a.Name.Value,
        version = a.Version.Number,
        alias = a.Alias.Value,
        state = a.State,
        reason = a.Reason,
        requestedAt = a.RequestedAt,
        requestedBy = a.RequestedBy,
        decidedAt = a.DecidedAt,
        decidedBy = a.DecidedBy,
        decisionReason = a.DecisionReason,
    };
}
