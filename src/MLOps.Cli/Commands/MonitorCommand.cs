using System.CommandLine;
using Microsoft.Extensions.Options;
using MLOps.Cli.Output;
using MLOps.Monitoring.Quality.Feedback;
using Spectre.Console;

namespace MLOps.Cli.Commands;

/// <summary>
/// <c>monitor</c>: a summary of a model's predictions in the JSON-lines prediction log: traffic and the distribution of
/// what the model answered (id, version, variant, time, value, score, label, segment). Input drift and quality from the
/// same log are <c>monitor batch</c> (<see cref="MonitorBatchCommand"/>).
/// </summary>
internal static class MonitorCommand
{
    public static Command Create(CliContext context)
    {
        var monitor = new Command("monitor", "Summarize a model's predictions in the JSON-lines prediction log (counts per version and variant, per day, and the distribution of what the model answered).");
        var log = new Option<string>("--log") { Description = "The prediction log directory (JsonLinesPredictionLogOptions.Directory).", Required = true };
        var model = new Option<string>("--model", "-m") { Description = "The model.", Required = true };
        var from = new Option<string?>("--from") { Description = "Only predictions at or after this time (ISO 8601)." };
        var to = new Option<string?>("--to") { Description = "Only predictions before this time (ISO 8601)." };
        monitor.Add(log);
        monitor.Add(model);
        monitor.Add(from);
        monitor.Add(to);
        monitor.Add(MonitorBatchCommand.Create(context));
        CommandRunner.SetAction(monitor, async (result, ct) =>
        {
            string directory = result.GetRequiredValue(log);
            if (!Directory.Exists(directory))
            {
                throw new CliException($"{directory}: no such directory (no prediction log there).");
            }

            ModelName name = CliContext.ParseModel(result.GetRequiredValue(model));
            DateTimeOffset? start = CliContext.ParseTime(result.GetValue(from), "--from");
            DateTimeOffset? end = CliContext.ParseTime(result.GetValue(to), "--to");
            if (start >= end)
            {
                throw new CliException("--from must be before --to.");
            }

            var summary = new PredictionSummary();
            using var reader = new JsonLinesPredictionLog(Options.Create(new JsonLinesPredictionLogOptions { Directory = directory }));
            await foreach (PredictionRecord record in reader.ReadAllAsync(ct))
            {
                if (record.ModelName == name && (start is null || record.Timestamp >= start) && (end is null || record.Timestamp < end))
                {
                    summary.Add(record);
                }
            }

            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(summary.ToJson(name, start, end));
                return ExitCodes.Ok;
            }

            Write(summary, name);
            return ExitCodes.Ok;
        });
        return monitor;
    }

    private static void Write(PredictionSummary s, ModelName name)
    {
        if (s.Count == 0)
        {
            CliOutput.Line($"No prediction of '{name}' in the log for this period.");
            return;
        }

        CliOutput.Line($"{s.Count:N0} predictions of '{name}' from {CliOutput.Format(s.First)} to {CliOutput.Format(s.Last)}.");
        Table versions = CliOutput.Table("Version", "Variant", "Predictions", "Share");
        foreach (((int version, string variant), long count) in s.ByVersion.OrderBy(v => v.Key.Version).ThenBy(v => v.Key.Variant, StringComparer.Ordinal))
        {
            CliOutput.AddRow(versions, $"v{version}", variant, count, $"{(double)count / s.Count:P1}");
        }

        CliOutput.Write(versions);
        Table days = CliOutput.Table("Day (UTC)", "Predictions");
        foreach ((DateOnly day, long count) in s.ByDay.OrderBy(d => d.Key))
        {
            CliOutput.AddRow(days, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), count);
        }

        CliOutput.Write(days);
        Table outputs = CliOutput.Table("Output", "Count", "Mean", "Min", "Max");
        CliOutput.AddRow(outputs, "value", s.Values.Count, s.Values.Mean, s.Values.Min, s.Values.Max);
        CliOutput.AddRow(outputs, "score", s.Scores.Count, s.Scores.Mean, s.Scores.Min, s.Scores.Max);
        CliOutput.Write(outputs);
        if (s.Labels.Count > 0)
        {
            Table labels = CliOutput.Table("Predicted label", "Count", "Share");
            foreach ((string label, long count) in s.TopLabels())
            {
                CliOutput.AddRow(labels, label, count, $"{(double)count / s.Count:P1}");
            }

            CliOutput.Write(labels);
        }

        CliOutput.Line("This summary has no input drift and no ground truth: mlops monitor batch reports drift (inputs logged with LogInputs()) and quality (feedback in the log).");
    }
}
