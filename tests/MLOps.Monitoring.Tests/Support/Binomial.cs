namespace MLOps.Monitoring.Tests.Support;

public static class Binomial
{
    /// <summary>The smallest k with P(X ≤ k) ≥ 1 − <paramref name="tail"/> for X ~ Binomial(n, p): an upper bound a fair count exceeds with probability &lt; tail.</summary>
    public static int UpperBound(int n, double p, double tail = 1e-4)
    {
        double cumulative = 0;
        for (int k = 0; k <= n; k++)
        {
            cumulative += Math.Exp(LogChoose(n, k) + (k * Math.Log(p)) + ((n - k) * Math.Log(1 - p)));
            if (cumulative >= 1 - tail)
            {
                return k;
            }
        }

        return n;
    }

    private static double LogChoose(int n, int k)
    {
        double result = 0;
        for (int i = 1; i <= k; i++)
        {
            result += Math.Log(n - k + i) - Math.Log(i);
        }

        return result;
    }
}
