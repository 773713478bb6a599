using System.Buffers;

namespace MLOps.Monitoring.Statistics.Internal;

/// <summary>Argument validation and pooled scratch buffers shared by the statistics kernel.</summary>
internal static class Guard
{
    /// <summary>Throws when <paramref name="values"/> is empty or contains NaN.</summary>
    public static void NotEmptyNoNaN(ReadOnlySpan<double> values, string paramName)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("The sample must not be empty.", paramName);
        }

        NoNaN(values, paramName);
    }

    /// <summary>Throws when <paramref name="values"/> contains NaN.</summary>
    public static void NoNaN(ReadOnlySpan<double> values, string paramName)
    {
        if (HasNaN(values))
        {
            throw new ArgumentException("The values must not contain NaN (treat NaN as missing and remove it before calling).", paramName);
        }
    }

    /// <summary>Throws when <paramref name="values"/> is empty or contains NaN or an infinity.</summary>
    public static void NotEmptyFinite(ReadOnlySpan<double> values, string paramName)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("The sample must not be empty.", paramName);
        }

        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                throw new ArgumentException("The values must be finite (no NaN or infinity).", paramName);
            }
        }
    }

    /// <summary>Throws when <paramref name="values"/> is empty, contains NaN or an infinity, or is not sorted ascending.</summary>
    public static void SortedFinite(ReadOnlySpan<double> values, string paramName)
    {
        NotEmptyFinite(values, paramName);
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] < values[i - 1])
            {
                throw new ArgumentException("The values must be sorted ascending.", paramName);
            }
        }
    }

    /// <summary>Throws when <paramref name="values"/> is empty or contains a negative, NaN or infinite value.</summary>
    public static void NonNegativeFinite(ReadOnlySpan<double> values, string paramName)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("The values must not be empty.", paramName);
        }

        foreach (double v in values)
        {
            if (!(v >= 0) || double.IsPositiveInfinity(v))
            {
                throw new ArgumentException("The values must be finite and non-negative (no NaN).", paramName);
            }
        }
    }

    /// <summary>Throws when the two spans differ in length.</summary>
    public static void SameLength(int expected, int actual, string paramName)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Expected {expected} values to match the first argument, got {actual}.", paramName);
        }
    }

    /// <summary>
    /// Checks two histograms over the same bins (non-negative finite values, equal lengths, each with a positive sum), in
    /// that order, and returns their sums.
    /// </summary>
    public static (double FirstTotal, double SecondTotal) PairedHistograms(
        ReadOnlySpan<double> first, ReadOnlySpan<double> second, string firstName, string secondName)
    {
        NonNegativeFinite(first, firstName);
        NonNegativeFinite(second, secondName);
        SameLength(first.Length, second.Length, secondName);
        return (PositiveSum(first, firstName), PositiveSum(second, secondName));
    }

    /// <summary>Returns the sum of non-negative values, throwing when it is 0 (or overflows to infinity).</summary>
    public static double PositiveSum(ReadOnlySpan<double> values, string paramName)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        if (!(sum > 0) || double.IsPositiveInfinity(sum))
        {
            throw new ArgumentException("The values must have a positive, finite sum.", paramName);
        }

        return sum;
    }

    /// <summary>Rents an array of at least <paramref name="length"/> doubles from the shared pool.</summary>
    public static double[] Rent(int length) => ArrayPool<double>.Shared.Rent(length);

    /// <summary>Returns an array rented with <see cref="Rent"/>.</summary>
    public static void Return(double[] array) => ArrayPool<double>.Shared.Return(array);

    private static bool HasNaN(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                return true;
            }
        }

        return false;
    }
}
