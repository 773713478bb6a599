using System.Globalization;
using System.Text.Json;

namespace MLOps.Monitoring.Tests.Statistics;

/// <summary>Reads the JSON vectors written by tools/stats/generate_vectors.py.</summary>
internal static class VectorFile
{
    private static readonly Dictionary<string, (double[] Reference, double[] Current)> s_samples = LoadSamples();

    public static IEnumerable<JsonElement> Cases(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Statistics", "Vectors", name + ".json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var cases = doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToList();
        Assert.NotEmpty(cases);
        return cases;
    }

    public static (double[] Reference, double[] Current) Sample(JsonElement testCase) =>
        s_samples[testCase.GetProperty("sample").GetString()!];

    public static double[] Doubles(this JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(ToDouble).ToArray();

    public static double Double(this JsonElement element, string property) => ToDouble(element.GetProperty(property));

    public static string Name(this JsonElement element) => element.GetProperty("name").GetString()!;

    private static double ToDouble(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture)
        : e.GetDouble();

    private static Dictionary<string, (double[] Reference, double[] Current)> LoadSamples()
    {
        var samples = new Dictionary<string, (double[], double[])>(StringComparer.Ordinal);
        foreach (string file in new[] { "samples", "samples_large", "samples_ks" })
        {
            string path = Path.Combine(AppContext.BaseDirectory, "Statistics", "Vectors", file + ".json");
            if (!File.Exists(path))
            {
                continue;
            }

            foreach (JsonElement c in Cases(file))
            {
                samples.Add(c.Name(), (c.Doubles("reference"), c.Doubles("current")));
            }
        }

        return samples;
    }
}
