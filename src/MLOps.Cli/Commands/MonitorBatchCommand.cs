using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MLOps.Cli.Output;
using MLOps.Cli.Registry;
using MLOps.Monitoring.Batch;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Quality;
using Spectre.Console;

namespace MLOps.Cli.Commands;

/// <summary>
/// <c>monitor batch</c>: the library's batch monitoring job over a prediction log (a JSON-lines directory, or the
/// PostgreSQL log of fleet mode): drift of the logged inputs per served version (against <c>--reference</c>, or each
/// version's profile in <c>--registry</c>, by default the PostgreSQL log's own registry) and quality from the feedback
/// in the log. Exit code 1 when a version's rows drifted (a CI gate), like <c>mlops drift</c>.
/// </summary>
internal static class MonitorBatchCommand
{
    public static Command Create(CliContext context)
    {
        var batch = new Command("batch", "Drift and quality of a model from the prediction log (JSON lines or PostgreSQL; inputs logged with LogInputs(), feedback in the log), per served version. Exit code 1 on dataset drift.");
        var log = new Option<string>("--log") { Description = "The prediction log: a directory (JsonLinesPredictionLogOptions.Directory) or a PostgreSQL connection string (AddPostgresMonitoring's database).", Required = true, HelpName = "dir|connection-string" };
        var schema = new Option<string?>("--schema") { Description = $"The PostgreSQL schema of a --log connection string. Default: ${RegistryConnection.SchemaEnvironmentVariable}, else '{PostgresRegistryOptions.DefaultSchema}'." };
        var model = new Option<string>("--model", "-m") { Description = "The model.", Required = true };
        var from = new Option<string?>("--from") { Description = "Only predictions at or after this time (ISO 8601). Default: the oldest." };
        var to = new Option<string?>("--to") { Description = "Only predictions before this time (ISO 8601). Default: now." };
        var reference = new Option<string?>("--reference") { Description = "The reference profile (JSON, from mlops profile) every version is compared with. Default: each version's profile in --registry." };
        var registry = new Option<string?>("--registry", "-r") { Description = "A registry (directory or PostgreSQL connection string) holding each version's reference profile, when --reference is not given. Default with a PostgreSQL --log: the registry in the same schema.", HelpName = "dir|connection-string" };
        var task = new Option<string?>("--task") { Description = "The model's task for the quality report: regression, binary or multiclass. Without it there is no quality report." };
        var window = new Option<int?>("--window") { Description = $"Labelled predictions per quality window. Default: {QualityMonitoringBuilder<object, object>.DefaultWindowSize}." };
        var share = new Option<double?>("--drift-share") { Description = $"The share of drifted features that makes dataset drift. Default: {DriftOptions.DefaultDriftShareThreshold}." };
        var html = new Option<string?>("--html") { Description = "Also write the report as one self-contained HTML page." };
        foreach (Option option in new Option[] { log, schema, model, from, to, reference, registry, task, window, share, html })
        {
            batch.Add(option);
        }

        CommandRunner.SetAction(batch, async (result, ct) =>
        {
            string source = result.GetRequiredValue(log);
            bool postgres = RegistryConnection.IsConnectionString(source);
            if (!postgres && !Directory.Exists(source))
            {
                throw new CliException($"{source}: no such directory (no prediction log there).");
            }

            string pgSchema = result.GetValue(schema)
                ?? (Environment.GetEnvironmentVariable(RegistryConnection.SchemaEnvironmentVariable) is { Length: > 0 } env ? env : PostgresRegistryOptions.DefaultSchema);

            ModelName name = CliContext.ParseModel(result.GetRequiredValue(model));
            DateTimeOffset start = CliContext.ParseTime(result.GetValue(from), "--from") ?? DateTimeOffset.MinValue;
            DateTimeOffset end = CliContext.ParseTime(result.GetValue(to), "--to") ?? DateTimeOffset.UtcNow;
            if (start >= end)
            {
                throw new CliException("--from must be before --to.");
            }

            if (result.GetValue(window) is < 1)
            {
                throw new CliException("--window must be at least 1.");
            }

            var request = new BatchMonitoringRequest(name, start, end)
            {
                Reference = result.GetValue(reference) is { } path ? await DriftCommand.LoadProfileAsync(path, ct) : null,
                Task = ParseTask(result.GetValue(task)),
                QualityWindowSize = result.GetValue(window),
                DriftOptions = result.GetValue(share) is { } s ? new DriftOptions { DriftShareThreshold = s } : null,
            };

            var services = new ServiceCollection();
            IMLOpsBuilder mlops = services.AddMLOps();
            if (postgres)
            {
                // Reads only: the schema must exist at the library's version (verified, never migrated from here).
                services.Configure<PostgresRegistryOptions>(o => { o.ConnectionString = source; o.Schema = pgSchema; o.MigrateOnStart = false; o.ListenForNotifications = false; });
                mlops.AddPostgresPredictionLog();
            }
            else
            {
                mlops.AddJsonLinesPredictionLog(o => o.Directory = source);
            }

            mlops.AddBatchMonitoring();
            string? registrySource = result.GetValue(registry) ?? (postgres ? source : null);
            using RegistryLease? lease = request.Reference is null && registrySource is { } r
                ? new RegistryLease(RegistryConnection.Open(r, result.GetValue(registry) is null ? pgSchema : null, null))
                : null;
            if (lease is not null)
            {
                services.AddSingleton<IModelRegistry>(lease.Registry);
            }

            await using ServiceProvider provider = services.BuildServiceProvider();
            BatchMonitoringReport report = await provider.GetRequiredService<IBatchMonitor>().RunAsync(request, ct);
            if (result.GetValue(html) is { } target)
            {
                await report.SaveHtmlAsync(target, ct);
            }

            if (result.GetValue(context.Json))
            {
                Console.Out.WriteLine(ToJson(report).ToJsonString(CliOutput.Json));
            }
            else
            {
                Write(report, result.GetValue(html));
            }

            return report.DatasetDrift ? ExitCodes.DriftDetected : ExitCodes.Ok;
        });
        return batch;
    }

    private static QualityTask? ParseTask(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "regression" => QualityTask.Regression,
        "binary" or "binaryclassification" => QualityTask.BinaryClassification,
        "multiclass" or "multiclassclassification" => QualityTask.MulticlassClassification,
        _ => throw new CliException($"--task: '{value}' is not a task; use regression, binary or multiclass."),
    };

    private static JsonObject ToJson(BatchMonitoringReport report)
    {
        var drift = new JsonArray();
        foreach (DriftReport d in report.Drift)
        {
            drift.Add(JsonNode.Parse(d.ToJson()));
        }

        return new JsonObject
        {
            ["model"] = report.Model.Value,
            ["from"] = report.From,
            ["to"] = report.To,
            ["rows"] = report.Rows,
            ["rowsWithInputs"] = report.RowsWithInputs,
            ["labelledRows"] = report.LabelledRows,
            ["datasetDrift"] = report.DatasetDrift,
            ["notes"] = new JsonArray([.. report.Notes.Select(n => (JsonNode?)n)]),
            ["drift"] = drift,
            ["quality"] = report.Quality is { } q ? Quality(q) : null,
        };
    }

    private static JsonObject Quality(ModelQualityReport quality)
    {
        var windows = new JsonArray();
        foreach (QualityWindow w in quality.History.Concat(quality.Current))
        {
            var metrics = new JsonObject();
            foreach ((string metric, double value) in w.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                metrics[metric] = value;
            }

            windows.Add(new JsonObject
            {
                ["version"] = w.ModelVersion.Number,
                ["variant"] = w.Variant,
                ["closed"] = w.IsClosed,
                ["start"] = w.Start,
                ["end"] = w.End,
                ["count"] = w.Count,
                ["skipped"] = w.Skipped,
                ["metrics"] = metrics,
            });
        }

        return new JsonObject
        {
            ["task"] = quality.Task.ToString(),
            ["joined"] = quality.JoinedFeedback,
            ["invalid"] = quality.InvalidFeedback,
            ["windows"] = windows,
        };
    }

    private static void Write(BatchMonitoringReport report, string? html)
    {
        CliOutput.Line(string.Create(CultureInfo.InvariantCulture,
            $"{report.Rows:N0} predictions of '{report.Model}' ({report.RowsWithInputs:N0} with inputs, {report.LabelledRows:N0} with ground truth)."));
        if (report.Drift.Count > 0)
        {
            Table drift = CliOutput.Table("Version", "Rows", "Drifted features", "Share", "Dataset drift");
            foreach (DriftReport d in report.Drift)
            {
                CliOutput.AddRow(drift, $"v{d.ModelVersion}", d.CurrentRows, $"{d.DriftedFeatures} of {d.EvaluatedFeatures}",
                    $"{d.DriftShare:P0}", d.DatasetDrift ? "DRIFT" : "no");
            }

            CliOutput.Write(drift);
        }

        if (report.Quality is { } quality)
        {
            Table windows = CliOutput.Table("Version", "Variant", "Window", "Labelled", "Metrics");
            foreach (QualityWindow w in quality.History.Concat(quality.Current))
            {
                CliOutput.AddRow(windows, $"v{w.ModelVersion}", w.Variant, w.IsClosed ? "closed" : "last (partial)", w.Count,
                    string.Join(", ", w.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value:G4}"))));
            }

            CliOutput.Write(windows);
        }

        foreach (string note in report.Notes)
        {
            CliOutput.Line(note);
        }

        if (html is not null)
        {
            CliOutput.Line($"Report: {html}.");
        }
    }
}
