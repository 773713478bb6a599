using System.Globalization;
using System.Text;

namespace MLOps.Cli.Tests.Data;

/// <summary>Small deterministic CSV files for the profile and drift tests.</summary>
internal static class CsvFiles
{
    public const string Header = "age,income,city,member,zip";

    /// <summary>Rows with numbers (age, income), a category (city), a boolean (member) and a number meant as a category (zip).</summary>
    public static string Rows(int count, int seed, double shift = 0)
    {
        var random = new Random(seed);
        string[] cities = ["paris", "lyon", "nantes"];
        var text = new StringBuilder(Header).Append('\n');
        for (int i = 0; i < count; i++)
        {
            double age = 40 + (shift * 15) + (random.NextDouble() * 20);
            double income = 3000 + (shift * 2000) + (random.NextDouble() * 1000);
            string city = shift > 0 && random.NextDouble() < 0.8 ? "lille" : cities[random.Next(cities.Length)];
            bool member = random.NextDouble() < (shift > 0 ? 0.9 : 0.3);
            text.Append(CultureInfo.InvariantCulture, $"{age:F2},{income:F1},{city},{(member ? "true" : "false")},{75000 + random.Next(5)}\n");
        }

        return text.ToString();
    }

    public static string Write(string directory, string name, string content)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }
}
