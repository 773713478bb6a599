namespace MLOps.Monitoring.Tests.Support;

/// <summary>Seeded synthetic columns for drift tests.</summary>
public static class Synthetic
{
    public static double[] Normal(int n, int seed, double mean = 0, double sd = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => mean + (sd * TestModels.Gaussian(random)))];
    }

    public static string?[] Categories(int n, int seed, string[] categories, double[]? weights = null)
    {
        var random = new Random(seed);
        weights ??= [.. categories.Select(_ => 1.0)];
        double total = weights.Sum();
        return [.. Enumerable.Range(0, n).Select(_ =>
        {
            double u = random.NextDouble() * total;
            for (int i = 0; i < categories.Length; i++)
            {
                u -= weights[i];
                if (u < 0)
                {
                    return categories[i];
                }
            }

            return categories[^1];
        })];
    }

    public static double[] Discrete(int n, int seed, double[] values)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => values[random.Next(values.Length)])];
    }

    public static double[] Booleans(int n, int seed, double pTrue)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => random.NextDouble() < pTrue ? 1.0 : 0.0)];
    }
}
