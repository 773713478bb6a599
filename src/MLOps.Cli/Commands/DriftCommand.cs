using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using MLOps.Cli.Data;
using MLOps.Cli.Output;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using Spectre.Console;

namespace MLOps.Cli.Commands;

/// <summary><c>drift</c>: compares a CSV or Parquet file with a reference profile; exit code 1 on dataset drift (a CI gate).</summary>
internal static class DriftCommand
{
    public static Command Create(CliContext context)
    {
        var drift = new Command("drift", "Compare current data with a reference profile. Exit code 1 when the dataset drifted (a CI gate), 0 when it did not.");
        var reference = new Option<string>("--reference") { Description = "The reference profile (JSON, from mlops profile).", Required = true };
        var current = new Option<string>("--current") { Description = "The current data: a .csv, .tsv or .parquet file with the profile's columns.", Required = true };
        var output = new Option<string?>("--output", "-o") { Description = "Also write the report: report.json (the library's JSON) or report.html (self-contained HTML)." };
        var method = new Option<DriftMethod?>("--method") { Description = "The test or distance for every feature (default: chosen per feature; see the Monitoring README)." };
        var share = new Option<double?>("--drift-share") { Description = $"The share of drifted features that makes dataset drift. Default: {DriftOptions.DefaultDriftShareThreshold}." };
        var separator = new Option<char?>("--separator") { Description = "The CSV field separator. Default: ',' (tab for .tsv)." };
        var parseOnly = new Option<bool>("--parse-only") { Description = "Diagnostics: only read and parse the file as drift would, and report the time.", Hidden = true };
        drift.Add(reference);
        drift.Add(current);
        drift.Add(output);
        drift.Add(method);
        drift.Add(share);
        drift.Add(separator);
        drift.Add(parseOnly);
        CommandRunner.SetAction(drift, async (result, ct) =>
        {
            string referencePath = result.GetRequiredValue(reference);
            string currentPath = result.GetRequiredValue(current);
            string? target = result.GetValue(output);
            string? format = target is null ? null : Path.GetExtension(target).ToLowerInvariant();
            if (format is not (null or ".json" or ".html" or ".htm"))
            {
                throw new CliException($"--output {target}: the report is written as .json or .html (self-contained, no external request); use one of those extensions.");
            }

            ReferenceProfile profile = await LoadProfileAsync(referencePath, ct);
            var options = new DriftOptions();
            if (result.GetValue(method) is { } m)
            {
                options.DefaultMethod = m;
            }

            if (result.GetValue(share) is { } s)
            {
                options.DriftShareThreshold = s;
            }

            using ITableSource source = TableFile.Open(currentPath, result.GetValue(separator));
            List<ColumnSpec> columns = DataColumns.ForReference(source, profile);
            if (result.GetValue(parseOnly))
            {
                return ParseOnly(source, columns);
            }

            var view = new TableDataView(currentPath, columns, booleanAsNumber: true, () => ReadAhead.Run(source.Read(columns)));
            DriftReport report = ProgressDisplay.Run($"Comparing {Path.GetFileName(currentPath)}", () => source.Progress,
                () => DriftDetector.Compare(profile, view, options));
            if (report.CurrentRows == 0)
            {
                throw new CliException($"{currentPath}: the file has a header but no rows.");
            }

            if (target is not null)
            {
                if (format == ".json")
                {
                    await File.WriteAllTextAsync(target, report.ToJson(), ct);
                }
                else
                {
                    await report.SaveHtmlAsync(target, ct);
                }
            }

            if (result.GetValue(context.Json))
            {
                Console.Out.WriteLine(report.ToJson());
            }
            else
            {
                WriteSummary(report, target);
            }

            return report.DatasetDrift ? ExitCodes.DriftDetected : ExitCodes.Ok;
        });
        return drift;
    }

    internal static async Task<ReferenceProfile> LoadProfileAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{path}: no such file.");
        }

        try
        {
            return await ReferenceProfile.LoadAsync(path, ct);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new CliException($"{path}: not a reference profile ({ex.Message}).");
        }
    }

    private static int ParseOnly(ITableSource source, List<ColumnSpec> columns)
    {
        var clock = Stopwatch.StartNew();
        long rows = 0;
        foreach (RowBlock block in source.Read(columns))
        {
            rows += block.Count;
        }

        Console.Error.WriteLine($"parsed {rows} rows × {columns.Count} columns of {source.Path} in {clock.Elapsed.TotalSeconds:F3} s");
        return ExitCodes.Ok;
    }

    private static void WriteSummary(DriftReport report, string? target)
    {
        Table table = CliOutput.Table("Feature", "Kind", "Method", "Score", "Threshold", "Drifted", "Missing");
        foreach (FeatureDriftResult f in report.Features)
        {
            FeatureDataQuality? quality = report.DataQuality.Features.FirstOrDefault(q => q.Feature == f.Feature);
            CliOutput.AddRow(table, f.Feature, f.Kind, f.Method, f.Evaluated ? f.Score : null, f.Threshold,
                !f.Evaluated ? "not evaluated" : f.Drifted ? "DRIFT" : "no", quality is null ? null : $"{quality.MissingRatio:P1}");
        }

        CliOutput.Write(table);
        CliOutput.Line(
            $"{(report.DatasetDrift ? "Dataset drift" : "No dataset drift")}: {report.DriftedFeatures} of {report.EvaluatedFeatures} features drifted " +
            $"(share {report.DriftShare:P0}, threshold {report.DriftShareThreshold:P0}); {report.CurrentRows:N0} current rows against {report.ReferenceRows:N0} reference rows." +
            (target is null ? "" : $" Report: {target}."));
    }
}
