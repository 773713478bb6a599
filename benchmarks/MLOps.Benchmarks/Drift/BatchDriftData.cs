namespace MLOps.Benchmarks.Drift;

/// <summary>Seeded numeric columns for the batch drift benchmark and its console modes.</summary>
internal static class BatchDriftData
{
    /// <summary>
    /// <paramref name="features"/> columns of <paramref name="rows"/> values: feature f is normal with mean f and
    /// standard deviation 1 + f / 10, plus <paramref name="shift"/> standard deviations on every other feature.
    /// </summary>
    public static KeyValuePair<string, double[]>[] Columns(int rows, int features, double shift, int seed)
    {
        var columns = new KeyValuePair<string, double[]>[features];
        for (int f = 0; f < features; f++)
        {
            var random = new Random(HashCode.Combine(seed, f));
            double sd = 1 + (f / 10.0);
            double mean = f + (f % 2 == 1 ? shift * sd : 0);
            var values = new double[rows];
            for (int i = 0; i < rows; i += 2)
            {
                // Box-Muller: two normals per pair of uniforms.
                double u = 1 - random.NextDouble();
                double v = random.NextDouble();
                double r = Math.Sqrt(-2 * Math.Log(u));
                values[i] = mean + (sd * r * Math.Cos(2 * Math.PI * v));
                if (i + 1 < rows)
                {
                    values[i + 1] = mean + (sd * r * Math.Sin(2 * Math.PI * v));
                }
            }

            columns[f] = new("f" + f, values);
        }

        return columns;
    }
}
