namespace MLOps.Monitoring.Tests.Statistics;

/// <summary>
/// The agreement required with SciPy: 1e-9 relative, or 1e-12 absolute for expected values below 1e-3 in magnitude.
/// Tracks the largest error seen, so each vector test can report it.
/// </summary>
internal sealed class Tolerance
{
    public const double Relative = 1e-9;
    public const double Absolute = 1e-12;
    public const double SmallValue = 1e-3;

    public double MaxRelativeError { get; private set; }

    public double MaxAbsoluteErrorOfSmallValues { get; private set; }

    public int Comparisons { get; private set; }

    public void AssertClose(double expected, double actual, string context)
    {
        Comparisons++;
        if (double.IsInfinity(expected) || double.IsNaN(expected))
        {
            Assert.True(expected.Equals(actual), $"{context}: expected {expected}, got {actual}");
            return;
        }

        double error = Math.Abs(actual - expected);
        if (Math.Abs(expected) < SmallValue)
        {
            MaxAbsoluteErrorOfSmallValues = Math.Max(MaxAbsoluteErrorOfSmallValues, error);
            Assert.True(error <= Absolute, $"{context}: expected {expected:R}, got {actual:R} (absolute error {error:E3})");
        }
        else
        {
            double relative = error / Math.Abs(expected);
            MaxRelativeError = Math.Max(MaxRelativeError, relative);
            Assert.True(relative <= Relative, $"{context}: expected {expected:R}, got {actual:R} (relative error {relative:E3})");
        }
    }

    public void AssertAllClose(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            AssertClose(expected[i], actual[i], $"{context}[{i}]");
        }
    }

    public override string ToString() =>
        $"{Comparisons} values, max relative error {MaxRelativeError:E3}, max absolute error (|expected| < 1e-3) {MaxAbsoluteErrorOfSmallValues:E3}";
}
