using System.CommandLine;
using MLOps.Cli.Data;
using MLOps.Cli.Output;
using MLOps.Monitoring.Profiles;
using Spectre.Console;

namespace MLOps.Cli.Commands;

/// <summary><c>profile</c>: a reference profile (the drift baseline) from a CSV or Parquet file.</summary>
internal static class ProfileCommand
{
    public static Command Create(CliContext context)
    {
        var profile = new Command("profile", "Build a reference profile (the drift baseline) from a CSV or Parquet file.");
        var data = new Argument<string>("data") { Description = "The data: a .csv, .tsv or .parquet file with a header." };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the profile (JSON).", Required = true };
        var categorical = new Option<string[]>("--categorical") { Description = "Columns to treat as categories even if they hold numbers (comma-separated or repeated)." };
        var ignore = new Option<string[]>("--ignore") { Description = "Columns to leave out (ids, labels, timestamps)." };
        var bins = new Option<int>("--bins") { Description = "Quantile bins per numeric column.", DefaultValueFactory = _ => ProfileOptions.DefaultBinCount };
        var maxCategories = new Option<int>("--max-categories") { Description = "The most frequent categories kept per column (the rest count as other).", DefaultValueFactory = _ => ProfileOptions.DefaultMaxCategories };
        var sampleSize = new Option<int>("--sample-size") { Description = "Values sampled per numeric column (for KS and Wasserstein).", DefaultValueFactory = _ => ProfileOptions.DefaultSampleSize };
        var separator = new Option<char?>("--separator") { Description = "The CSV field separator. Default: ',' (tab for .tsv)." };
        profile.Add(data);
        profile.Add(output);
        profile.Add(categorical);
        profile.Add(ignore);
        profile.Add(bins);
        profile.Add(maxCategories);
        profile.Add(sampleSize);
        profile.Add(separator);
        CommandRunner.SetAction(profile, async (result, ct) =>
        {
            string path = result.GetRequiredValue(data);
            string target = result.GetRequiredValue(output);
            var options = new ProfileOptions
            {
                BinCount = result.GetValue(bins),
                MaxCategories = result.GetValue(maxCategories),
                SampleSize = result.GetValue(sampleSize),
            };
            using ITableSource source = TableFile.Open(path, result.GetValue(separator));
            List<ColumnSpec> columns = ProgressDisplay.Run($"Reading {Path.GetFileName(path)}", () => source.Progress,
                () => DataColumns.ForProfile(source, DataColumns.Names(result.GetValue(categorical)), DataColumns.Names(result.GetValue(ignore))));
            var view = new TableDataView(path, columns, booleanAsNumber: false, () => ReadAhead.Run(source.Read(columns)));
            ReferenceProfile built = ProgressDisplay.Run($"Profiling {Path.GetFileName(path)}", () => source.Progress, () => ReferenceProfile.Create(view, options));
            await built.SaveAsync(target, ct);
            if (result.GetValue(context.Json))
            {
                CliOutput.WriteJson(new
                {
                    output = target,
                    rows = built.RowCount,
                    features = built.Features.Select(f => new { name = f.Name, kind = f.Kind, count = f.Count, missing = f.MissingCount }),
                });
                return ExitCodes.Ok;
            }

            Table table = CliOutput.Table("Feature", "Kind", "Values", "Missing", "Min", "Max", "Mean", "Categories");
            foreach (FeatureProfile f in built.Features)
            {
                bool numeric = f.Kind == FeatureKind.Numeric;
                CliOutput.AddRow(table, f.Name, f.Kind, f.Count, f.MissingCount, numeric ? f.Min : null, numeric ? f.Max : null, numeric || f.Kind == FeatureKind.Boolean ? f.Mean : null,
                    numeric ? null : f.Categories.Count + (f.OtherCount > 0 ? " (+ other)" : ""));
            }

            CliOutput.Write(table);
            CliOutput.Line($"Wrote the profile of {built.RowCount:N0} rows and {built.Features.Count} features to {target}.");
            return ExitCodes.Ok;
        });
        return profile;
    }
}
