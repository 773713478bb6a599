using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Cli.Commands;

/// <summary>Counts and running statistics of prediction records (bounded memory: label and segment tables are capped).</summary>
internal sealed class PredictionSummary
{
    private const int MaxDistinct = 1000;

    public long Count { get; private set; }

    public DateTimeOffset? First { get; private set; }

    public DateTimeOffset? Last { get; private set; }

    public Dictionary<(int Version, string Variant), long> ByVersion { get; } = [];

    public Dictionary<DateOnly, long> ByDay { get; } = [];

    public RunningStats Values { get; } = new();

    public RunningStats Scores { get; } = new();

    public Dictionary<string, long> Labels { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, long> Segments { get; } = new(StringComparer.Ordinal);

    public long OtherLabels { get; private set; }

    public long OtherSegments { get; private set; }

    public void Add(in PredictionRecord r)
    {
        Count++;
        DateTimeOffset t = r.Timestamp.ToUniversalTime();
        First = First is null || t < First ? t : First;
        Last = Last is null || t > Last ? t : Last;
        (int, string) key = (r.ModelVersion.Number, r.Variant ?? "");
        ByVersion[key] = ByVersion.GetValueOrDefault(key) + 1;
        var day = DateOnly.FromDateTime(t.UtcDateTime);
        ByDay[day] = ByDay.GetValueOrDefault(day) + 1;
        Values.Add(r.PredictedValue);
        Scores.Add(r.Score);
        if (r.PredictedLabel is { } label)
        {
            OtherLabels += Bump(Labels, label);
        }

        if (r.Segment is { } segment)
        {
            OtherSegments += Bump(Segments, segment);
        }
    }

    public IEnumerable<KeyValuePair<string, long>> TopLabels() =>
        Labels.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).Take(20);

    public object ToJson(ModelName model, DateTimeOffset? from, DateTimeOffset? to) => new
    {
        model = model.Value,
        from,
        to,
        predictions = Count,
        first = First,
        last = Last,
        byVersion = ByVersion.OrderBy(v => v.Key.Version).ThenBy(v => v.Key.Variant, StringComparer.Ordinal)
            .Select(v => new { version = v.Key.Version, variant = v.Key.Variant, predictions = v.Value }),
        byDay = ByDay.OrderBy(d => d.Key).Select(d => new { day = d.Key.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), predictions = d.Value }),
        value = Values.ToJson(),
        score = Scores.ToJson(),
        labels = Labels.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
        otherLabels = OtherLabels,
        segments = Segments.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
        otherSegments = OtherSegments,
        notAvailable = new[] { "quality metrics (the log has no ground truth)", "input drift (the log has no model inputs)" },
    };

    private static long Bump(Dictionary<string, long> counts, string key)
    {
        if (counts.TryGetValue(key, out long n))
        {
            counts[key] = n + 1;
            return 0;
        }

        if (counts.Count >= MaxDistinct)
        {
            return 1;
        }

        counts[key] = 1;
        return 0;
    }

    /// <summary>Count, mean, min and max of the finite values (Welford).</summary>
    internal sealed class RunningStats
    {
        public long Count { get; private set; }

        public double? Mean => Count == 0 ? null : _mean;

        public double? Min => Count == 0 ? null : _min;

        public double? Max => Count == 0 ? null : _max;

        public double? StandardDeviation => Count < 2 ? null : Math.Sqrt(_m2 / (Count - 1));

        private double _mean;
        private double _m2;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;

        public void Add(double value)
        {
            if (!double.IsFinite(value))
            {
                return;
            }

            Count++;
            double delta = value - _mean;
            _mean += delta / Count;
            _m2 += delta * (value - _mean);
            _min = Math.Min(_min, value);
            _max = Math.Max(_max, value);
        }

        public object ToJson() => new { count = Count, mean = Mean, min = Min, max = Max, standardDeviation = StandardDeviation };
    }
}
