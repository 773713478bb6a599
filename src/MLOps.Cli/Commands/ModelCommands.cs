using System.CommandLine;
using MLOps.Cli.Output;
using MLOps.Cli.Registry;
using Spectre.Console;

namespace MLOps.Cli.Commands;

/// <summary><c>models list|show</c>, <c>versions list|show</c> and <c>aliases history</c>: the registry's read side.</summary>
internal static class ModelCommands
{
    public static Command Models(CliContext context)
    {
        var models = new Command("models", "Registered models.");

        var list = new Command("list", "List the registered models.");
        CliContext.RegistryOptions registry = CliContext.AddRegistryOptions(list);
        var prefix = new Option<string?>("--prefix") { Description = "Only models whose name starts with this." };
        var alias = new Option<string?>("--alias") { Description = "Only models that have this alias." };
        list.Add(prefix);
        list.Add(alias);
        CommandRunner.SetAction(list, async (result, ct) =>
        {
            using RegistryLease lease = registry.Open(result);
            ModelRegistry reg = lease.Registry;
            string? a = result.GetValue(alias);
            IReadOnlyList<RegisteredModel> found = await reg.SearchModelsAsync(
                new ModelSearchQuery { NamePrefix = result.GetValue(prefix), Alias = a is null ? null : CliContext.ParseAlias(a) }, ct);
            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(found.Select(Describe));
                return ExitCodes.Ok;
            }

            Table table = CliOutput.Table("Model", "Latest", "Aliases", "Updated", "Description");
            foreach (RegisteredModel m in found)
            {
                CliOutput.AddRow(table, m.Name, m.LatestVersion?.ToString() ?? "-", Aliases(m.Aliases), m.UpdatedAt, m.Description);
            }

            CliOutput.Write(table);
            return ExitCodes.Ok;
        });
        models.Add(list);

        var show = new Command("show", "Show one model.");
        CliContext.RegistryOptions showRegistry = CliContext.AddRegistryOptions(show);
        var name = new Argument<string>("model") { Description = "The model name." };
        show.Add(name);
        CommandRunner.SetAction(show, async (result, ct) =>
        {
            using RegistryLease lease = showRegistry.Open(result);
            ModelRegistry reg = lease.Registry;
            RegisteredModel model = await RequireModelAsync(reg, result.GetRequiredValue(name), ct);
            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(Describe(model));
                return ExitCodes.Ok;
            }

            CliOutput.Write(CliOutput.Details(
            [
                ("Model", model.Name),
                ("Description", model.Description),
                ("Latest version", model.LatestVersion),
                ("Aliases", Aliases(model.Aliases)),
                ("Tags", string.Join(", ", model.Tags.Select(t => $"{t.Key}={t.Value}"))),
                ("Created", $"{CliOutput.Format(model.CreatedAt)} by {model.CreatedBy}"),
                ("Updated", model.UpdatedAt),
            ]));
            return ExitCodes.Ok;
        });
        models.Add(show);
        return models;
    }

    public static Command Versions(CliContext context)
    {
        var versions = new Command("versions", "The versions of a model.");

        var list = new Command("list", "List the versions of a model.");
        CliContext.RegistryOptions registry = CliContext.AddRegistryOptions(list);
        var name = new Argument<string>("model") { Description = "The model name." };
        list.Add(name);
        CommandRunner.SetAction(list, async (result, ct) =>
        {
            using RegistryLease lease = registry.Open(result);
            ModelRegistry reg = lease.Registry;
            RegisteredModel model = await RequireModelAsync(reg, result.GetRequiredValue(name), ct);
            IReadOnlyList<RegisteredModelVersion> found = await reg.ListVersionsAsync(model.Name, ct);
            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(found.Select(v => Describe(v, model)));
                return ExitCodes.Ok;
            }

            Table table = CliOutput.Table("Version", "Status", "Aliases", "Created", "By", "Metrics");
            foreach (RegisteredModelVersion v in found)
            {
                CliOutput.AddRow(table, v.Version, v.Status, AliasesOf(model, v.Version), v.CreatedAt, v.CreatedBy, Metrics(v.Metrics));
            }

            CliOutput.Write(table);
            return ExitCodes.Ok;
        });
        versions.Add(list);

        var show = new Command("show", "Show one version of a model.");
        CliContext.RegistryOptions showRegistry = CliContext.AddRegistryOptions(show);
        var showName = new Argument<string>("model") { Description = "The model name." };
        var number = new Argument<string>("version") { Description = "The version number (3 or v3)." };
        show.Add(showName);
        show.Add(number);
        CommandRunner.SetAction(show, async (result, ct) =>
        {
            using RegistryLease lease = showRegistry.Open(result);
            ModelRegistry reg = lease.Registry;
            RegisteredModel model = await RequireModelAsync(reg, result.GetRequiredValue(showName), ct);
            ModelVersion version = CliContext.ParseVersion(result.GetRequiredValue(number));
            RegisteredModelVersion v = await reg.GetVersionAsync(model.Name, version, ct)
                ?? throw new CliException($"model '{model.Name}' has no version {version}.");
            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(Describe(v, model));
                return ExitCodes.Ok;
            }

            CliOutput.Write(CliOutput.Details(
            [
                ("Model", v.Name),
                ("Version", v.Version),
                ("Status", v.StatusMessage is null ? v.Status : $"{v.Status} ({v.StatusMessage})"),
                ("Aliases", AliasesOf(model, v.Version)),
                ("Description", v.Description),
                ("Created", $"{CliOutput.Format(v.CreatedAt)} by {v.CreatedBy}"),
                ("Metrics", Metrics(v.Metrics)),
                ("Params", string.Join(", ", v.Params.Select(p => $"{p.Key}={p.Value}"))),
                ("Tags", string.Join(", ", v.Tags.Select(t => $"{t.Key}={t.Value}"))),
                ("Artifacts", string.Join(", ", v.Artifacts.Select(a => $"{a.Path} ({a.Length} B)"))),
                ("Reference profile", v.ReferenceProfile is null ? "none" : "stored"),
                ("Lineage run", v.Lineage?.RunId),
            ]));
            return ExitCodes.Ok;
        });
        versions.Add(show);
        return versions;
    }

    public static Command Aliases(CliContext context)
    {
        var aliases = new Command("aliases", "The aliases of a model (champion, challenger, …).");
        var history = new Command("history", "Every move of a model's aliases, oldest first, with its revision.");
        CliContext.RegistryOptions registry = CliContext.AddRegistryOptions(history);
        var name = new Argument<string>("model") { Description = "The model name." };
        var alias = new Option<string?>("--alias") { Description = "Only this alias." };
        history.Add(name);
        history.Add(alias);
        CommandRunner.SetAction(history, async (result, ct) =>
        {
            using RegistryLease lease = registry.Open(result);
            ModelRegistry reg = lease.Registry;
            RegisteredModel model = await RequireModelAsync(reg, result.GetRequiredValue(name), ct);
            string? a = result.GetValue(alias);
            IReadOnlyList<AliasHistoryEntry> entries = await reg.GetAliasHistoryAsync(model.Name, a is null ? null : CliContext.ParseAlias(a), ct);
            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(entries.Select(Describe));
                return ExitCodes.Ok;
            }

            Table table = CliOutput.Table("Revision", "Time", "Alias", "Action", "From", "To", "Actor", "Reason");
            foreach (AliasHistoryEntry e in entries)
            {
                CliOutput.AddRow(table, e.Revision, e.Timestamp, e.Alias, e.Action, e.PreviousVersion, e.Version, e.Actor, e.Reason);
            }

            CliOutput.Write(table);
            return ExitCodes.Ok;
        });
        aliases.Add(history);
        return aliases;
    }

    public static async Task<RegisteredModel> RequireModelAsync(ModelRegistry registry, string name, CancellationToken ct)
    {
        ModelName model = CliContext.ParseModel(name);
        return await registry.GetModelAsync(model, ct) ?? throw new CliException($"unknown model '{model}'.");
    }

    public static object Describe(AliasHistoryEntry e) => new
    {
        model = e.Name.Value,
        alias = e.Alias.Value,
        action = e.Action,
        version = e.Version?.Number,
        previousVersion = e.PreviousVersion?.Number,
        revision = e.Revision,
        actor = e.Actor,
        reason = e.Reason,
        timestamp = e.Timestamp,
    };

    private static object Describe(RegisteredModel m) => new
    {
        name = m.Name.Value,
        description = m.Description,
        latestVersion = m.LatestVersion?.Number,
        aliases = m.Aliases.ToDictionary(a => a.Key.Value, a => a.Value.Number, StringComparer.Ordinal),
        tags = m.Tags,
        createdAt = m.CreatedAt,
        createdBy = m.CreatedBy,
        updatedAt = m.UpdatedAt,
    };

    private static object Describe(RegisteredModelVersion v, RegisteredModel model) => new
    {
        model = v.Name.Value,
        version = v.Version.Number,
        status = v.Status,
        statusMessage = v.StatusMessage,
        aliases = model.Aliases.Where(a => a.Value == v.Version).Select(a => a.Key.Value).Order(StringComparer.Ordinal).ToArray(),
        description = v.Description,
        metrics = v.Metrics,
        @params = v.Params,
        tags = v.Tags,
        artifacts = v.Artifacts.Select(a => new { path = a.Path, length = a.Length, sha256 = a.Sha256 }),
        hasReferenceProfile = v.ReferenceProfile is not null,
        runId = v.Lineage?.RunId,
        createdAt = v.CreatedAt,
        createdBy = v.CreatedBy,
    };

    private static string Aliases(IReadOnlyDictionary<ModelAlias, ModelVersion> aliases) =>
        string.Join(", ", aliases.OrderBy(a => a.Key.Value, StringComparer.Ordinal).Select(a => $"{a.Key}→v{a.Value}"));

    private static string AliasesOf(RegisteredModel model, ModelVersion version) =>
        string.Join(", ", model.Aliases.Where(a => a.Value == version).Select(a => a.Key.Value).Order(StringComparer.Ordinal));

    private static string Metrics(IReadOnlyDictionary<string, double> metrics) =>
        string.Join(", ", metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={CliOutput.Format(m.Value)}"));
}
