using System.Runtime.CompilerServices;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Tests.Batch;

/// <summary>A row type for batch tests: one numeric, one Boolean and one categorical feature.</summary>
public sealed class LoanInput
{
    public double Income { get; set; }

    public bool Owner { get; set; }

    public string? City { get; set; }
}

/// <summary>Synthetic logged rows and helpers for the batch tests.</summary>
internal static class BatchRows
{
    public static readonly DateTimeOffset T0 = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly ModelName Model = ModelName.Parse("loan");
    private static readonly string[] Cities = ["paris", "lyon", "nice"];

    public static LoanInput[] Inputs(int count, int seed, double shift = 0)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i => new LoanInput
        {
            Income = 50 + shift + (random.NextDouble() * 20),
            Owner = random.NextDouble() < 0.4,
            City = Cities[random.Next(Cities.Length)],
        }).ToArray();
    }

    public static LoggedFeature[] Features(LoanInput input) =>
    [
        new("Income", FeatureKind.Numeric, input.Income, null),
        new("Owner", FeatureKind.Boolean, input.Owner ? 1 : 0, null),
        new("City", FeatureKind.Categorical, double.NaN, input.City),
    ];

    public static PredictionRecord Record(int i, int version, LoanInput? input, double value = 0.5, string variant = "primary") =>
        new(PredictionId.NewId(), Model, new ModelVersion(version), variant, T0.AddSeconds(i), value, double.NaN, null, null, input is null ? null : Features(input));

    /// <summary>A reader that makes rows on the fly and keeps none, calling <paramref name="onRow"/> with each row's number.</summary>
    public sealed class GeneratedReader(int count, Func<int, LoggedPrediction> row, Action<int>? onRow = null) : IPredictionLogReader
    {
        public async IAsyncEnumerable<LoggedPrediction> ReadAsync(ModelName model, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            for (int i = 0; i < count; i++)
            {
                onRow?.Invoke(i);
                yield return row(i);
            }

            await Task.CompletedTask;
        }
    }

    /// <summary>Reference profiles per version.</summary>
    public sealed class Profiles(Dictionary<int, ReferenceProfile> byVersion) : IReferenceProfileProvider
    {
        public ValueTask<ReferenceProfile?> GetReferenceProfileAsync(ModelName modelName, ModelVersion version, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(byVersion.GetValueOrDefault(version.Number));
    }
}
