using System.Text.Json;

namespace MLOps.Monitoring.Tests.Quality.Support;

/// <summary>Reads the scikit-learn vectors written by <c>tools/quality/generate_vectors.py</c>.</summary>
public static class QualityVectors
{
    private static readonly Lazy<string> Directory = new(FindVectorDirectory);

    public static IReadOnlyList<VectorCase> Load(string file)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.Value, file + ".json")));
        var cases = new List<VectorCase>();
        foreach (JsonElement c in document.RootElement.GetProperty("cases").EnumerateArray())
        {
            cases.Add(new VectorCase(
                c.GetProperty("name").GetString()!,
                c.GetProperty("actual").EnumerateArray().Select(ReadNumber).ToArray(),
                c.GetProperty("predicted").EnumerateArray().Select(ReadNumber).ToArray(),
                c.TryGetProperty("scores", out JsonElement s) ? s.EnumerateArray().Select(ReadNumber).ToArray() : [],
                c.GetProperty("expected").EnumerateObject().ToDictionary(p => p.Name, p => ReadNumber(p.Value)),
                c.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!)));
        }

        return cases;
    }

    public static TheoryData<string> Names(string file)
    {
        var data = new TheoryData<string>();
        foreach (VectorCase c in Load(file))
        {
            data.Add(c.Name);
        }

        return data;
    }

    public static VectorCase Get(string file, string name) => Load(file).Single(c => c.Name == name);

    /// <summary>True when <paramref name="actual"/> is within 1e-9 of <paramref name="expected"/> (relative above 1); NaN equals NaN.</summary>
    public static bool Close(double expected, double actual) =>
        double.IsNaN(expected) ? double.IsNaN(actual) : Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected));

    private static double ReadNumber(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? e.GetString() switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            var other => throw new FormatException(other),
        }
        : e.GetDouble();

    private static string FindVectorDirectory()
    {
        // The vectors are read from the source tree (next to the test project), like the public API baselines.
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.EnumerateFiles("*.Tests.csproj").Any())
            {
                return Path.Combine(dir.FullName, "Quality", "Vectors");
            }
        }

        throw new InvalidOperationException($"No *.Tests.csproj above {AppContext.BaseDirectory}.");
    }
}

public sealed record VectorCase(
    string Name,
    double[] Actual,
    double[] Predicted,
    double[] Scores,
    IReadOnlyDictionary<string, double> Expected,
    IReadOnlyDictionary<string, string> Errors)
{
    public bool[] ActualBool => Actual.Select(v => v != 0).ToArray();

    public bool[] PredictedBool => Predicted.Select(v => v != 0).ToArray();

    public int[] ActualInt => Actual.Select(v => (int)v).ToArray();

    public int[] PredictedInt => Predicted.Select(v => (int)v).ToArray();
}
