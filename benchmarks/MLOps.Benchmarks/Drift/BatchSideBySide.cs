using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;

namespace MLOps.Benchmarks.Drift;

/// <summary>
/// Console mode <c>batch-side-by-side</c>, the .NET half of tools/stats/side_by_side.py: reads the reference and current
/// columns the script wrote, times profiling and the batch report per method, and writes the per-feature results and
/// the samples the report used so the script can recompute them with NumPy/SciPy.
/// </summary>
/// <remarks>
/// Input in <c>--dir</c>: <c>reference.f64</c> and <c>current.f64</c>, <c>--features</c> columns of <c>--rows</c>
/// little-endian float64 each, column after column. Output in the same folder: <c>dotnet.json</c> (timings, profile
/// bins, results) and <c>reference_sample.f64</c> / <c>current_sample.f64</c> (per feature the reference profile's sample and
/// the current sample the report drew, each <c>sample_sizes[f]</c> values, column after column).
/// </remarks>
internal static class BatchSideBySide
{
    private static readonly (string Name, DriftMethod Method)[] Methods =
    [
        ("wasserstein", DriftMethod.Wasserstein),
        ("ks", DriftMethod.KolmogorovSmirnov),
        ("psi", DriftMethod.PopulationStabilityIndex),
    ];

    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static int Run(string[] args)
    {
        string dir = Option(args, "--dir", null) ?? throw new ArgumentException("--dir is required.", nameof(args));
        int rows = int.Parse(Option(args, "--rows", null)!, CultureInfo.InvariantCulture);
        int features = int.Parse(Option(args, "--features", null)!, CultureInfo.InvariantCulture);
        int repeat = int.Parse(Option(args, "--repeat", "5")!, CultureInfo.InvariantCulture);

        KeyValuePair<string, double[]>[] reference = Read(Path.Combine(dir, "reference.f64"), rows, features);
        KeyValuePair<string, double[]>[] current = Read(Path.Combine(dir, "current.f64"), rows, features);

        // Warm-up (JIT) on the real data, then best-of-repeat timings.
        ReferenceProfile profile = ReferenceProfile.FromColumns(reference);
        double profileMs = Time(() => ReferenceProfile.FromColumns(reference), Math.Min(repeat, 3));
        var methods = new Dictionary<string, object>();
        foreach ((string name, DriftMethod method) in Methods)
        {
            var options = new DriftOptions { DefaultMethod = method };
            DriftReport report = DriftDetector.CompareColumns(profile, current, options: options);
            double ms = Time(() => DriftDetector.CompareColumns(profile, current, options: options), repeat);
            methods[name] = new
            {
                compare_ms = ms,
                statistic = report.Features.Select(f => f.Statistic).ToArray(),
                p_value = report.Features.Select(f => f.PValue).ToArray(),
                drifted = report.Features.Select(f => f.Drifted).ToArray(),
            };
            Console.WriteLine($".NET {name,-12} report over {rows:N0} × {features}: {ms,8:N1} ms (best of {repeat})");
        }

        Console.WriteLine($".NET profile of the reference: {profileMs:N1} ms (best of {Math.Min(repeat, 3)})");

        // The samples the report compares: the profile's, and the current one the batch pass draws (same seeds as the report).
        (Pane pane, _) = BatchCurrent.FromColumns(new CompiledReference(profile, new DriftOptions()), ReferenceProfile.Columns(current, null, "current"));
        int[] sizes = [.. pane.Features.Select(f => f.SampleCount)];
        Write(Path.Combine(dir, "reference_sample.f64"), profile.Features.Select(f => f.Sample.ToArray()));
        Write(Path.Combine(dir, "current_sample.f64"), pane.Features.Select(f => f.Sample[..f.SampleCount]));
        var output = new
        {
            rows,
            features,
            repeat,
            runtime = RuntimeInformation.FrameworkDescription,
            profile_ms = profileMs,
            sample_sizes = sizes,
            reference_sample_sizes = profile.Features.Select(f => f.Sample.Count).ToArray(),
            inner_edges = profile.Features.Select(f => f.BinEdges.Skip(1).SkipLast(1).ToArray()).ToArray(),
            reference_bin_counts = profile.Features.Select(f => f.BinCounts.ToArray()).ToArray(),
            reference_min = profile.Features.Select(f => f.Min).ToArray(),
            reference_max = profile.Features.Select(f => f.Max).ToArray(),
            out_of_range = DriftDetector.CompareColumns(profile, current).DataQuality.Features.Select(f => f.OutOfRangeCount).ToArray(),
            methods,
        };
        File.WriteAllText(Path.Combine(dir, "dotnet.json"), JsonSerializer.Serialize(output, Json));
        return 0;
    }

    private static double Time(Action action, int repeat)
    {
        double best = double.PositiveInfinity;
        for (int i = 0; i < repeat; i++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }

        return best;
    }

    private static KeyValuePair<string, double[]>[] Read(string path, int rows, int features)
    {
        using FileStream stream = File.OpenRead(path);
        var columns = new KeyValuePair<string, double[]>[features];
        for (int f = 0; f < features; f++)
        {
            var values = new double[rows];
            stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            columns[f] = new("f" + f, values);
        }

        return columns;
    }

    private static void Write(string path, IEnumerable<double[]> columns)
    {
        using FileStream stream = File.Create(path);
        foreach (double[] column in columns)
        {
            stream.Write(MemoryMarshal.AsBytes(column.AsSpan()));
        }
    }

    private static string? Option(string[] args, string name, string? fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
