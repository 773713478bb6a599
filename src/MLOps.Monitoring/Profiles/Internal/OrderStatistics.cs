namespace MLOps.Monitoring.Profiles.Internal;

/// <summary>
/// Several order statistics of unsorted data without sorting it: multi-quickselect (partition around the middle wanted
/// rank, recurse into the sides that still hold wanted ranks), expected O(n log r) for r ranks, falling back to sorting
/// a part that partitions badly (introselect), so never worse than O(n log n).
/// </summary>
internal static class OrderStatistics
{
    /// <summary>Parts this small are sorted directly.</summary>
    private const int SortBelow = 32;

    /// <summary>
    /// Reorders <paramref name="data"/> (finite values, no NaN) so that <c>data[k]</c> holds the k-th smallest value (0-based)
    /// for every k in <paramref name="ranks"/>, as after a full sort.
    /// </summary>
    /// <param name="data">The values; reordered in place.</param>
    /// <param name="ranks">The wanted ranks, ascending, each in [0, data.Length).</param>
    public static void Select(Span<double> data, ReadOnlySpan<int> ranks)
    {
        if (data.Length > 0 && ranks.Length > 0)
        {
            int depthLimit = 2 * (int)Math.Log2(data.Length) + 4;
            Select(data, 0, ranks, depthLimit);
        }
    }

    /// <summary><paramref name="part"/> starts at <paramref name="offset"/> in the whole data; <paramref name="ranks"/> are absolute.</summary>
    private static void Select(Span<double> part, int offset, ReadOnlySpan<int> ranks, int depthLimit)
    {
        while (ranks.Length > 0)
        {
            if (part.Length <= SortBelow || depthLimit-- == 0)
            {
                part.Sort();
                return;
            }

            // Three-way partition (Dijkstra) around the median of three: < pivot | == pivot | > pivot. Ties, common in
            // real columns, end up in the middle block, which is final.
            double pivot = MedianOfThree(part[0], part[part.Length / 2], part[^1]);
            int lt = 0, i = 0, gt = part.Length;
            while (i < gt)
            {
                double v = part[i];
                if (v < pivot)
                {
                    part[i++] = part[lt];
                    part[lt++] = v;
                }
                else if (v > pivot)
                {
                    part[i] = part[--gt];
                    part[gt] = v;
                }
                else
                {
                    i++;
                }
            }

            // Ranks below offset + lt are on the left, from offset + gt on the right; those between are done.
            int left = LowerBound(ranks, offset + lt);
            int right = LowerBound(ranks, offset + gt);
            ReadOnlySpan<int> leftRanks = ranks[..left];
            ReadOnlySpan<int> rightRanks = ranks[right..];

            // Recurse into the smaller side, loop on the larger one (bounded stack).
            if (lt < part.Length - gt)
            {
                Select(part[..lt], offset, leftRanks, depthLimit);
                offset += gt;
                part = part[gt..];
                ranks = rightRanks;
            }
            else
            {
                Select(part[gt..], offset + gt, rightRanks, depthLimit);
                part = part[..lt];
                ranks = leftRanks;
            }
        }
    }

    private static double MedianOfThree(double a, double b, double c) =>
        a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);

    /// <summary>The first index of <paramref name="sorted"/> whose value is ≥ <paramref name="value"/>.</summary>
    private static int LowerBound(ReadOnlySpan<int> sorted, int value)
    {
        int i = 0;
        while (i < sorted.Length && sorted[i] < value)
        {
            i++;
        }

        return i;
    }
}
