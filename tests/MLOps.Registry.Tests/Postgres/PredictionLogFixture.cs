using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>Builds PostgreSQL prediction logs over a test schema and the records they store.</summary>
internal static class PredictionLogFixture
{
    public static readonly ModelName House = ModelName.Parse("house");

    public static PostgresPredictionLog Create(
        TestSchema schema,
        NpgsqlDataSource? dataSource = null,
        TimeProvider? time = null,
        string replicaId = "replica-a",
        IMeterFactory? meters = null,
        ILogger? logger = null,
        PostgresPredictionLogOptions? options = null) =>
        new(
            dataSource ?? schema.DataSource,
            new PostgresRegistryOptions { ConnectionString = schema.ConnectionString, Schema = schema.Name },
            options ?? new PostgresPredictionLogOptions(),
            replicaId,
            time ?? TimeProvider.System,
            new PredictionLogMetrics(meters),
            logger ?? NullLogger.Instance);

    public static PredictionRecord Record(DateTimeOffset at, int i = 0, ModelName? model = null) => new(
        PredictionId.NewId(),
        model ?? House,
        new ModelVersion(3),
        "primary",
        at,
        PredictedValue: i * 1.5,
        Score: double.NaN,
        PredictedLabel: null,
        Segment: i % 2 == 0 ? "even" : "odd",
        Inputs: [new LoggedFeature("size", FeatureKind.Numeric, i, null), new LoggedFeature("city", FeatureKind.Categorical, double.NaN, "c" + i)]);

    public static void AssertSame(PredictionRecord expected, PredictionRecord actual)
    {
        Assert.Equal(expected.PredictionId, actual.PredictionId);
        Assert.Equal(expected.ModelName, actual.ModelName);
        Assert.Equal(expected.ModelVersion, actual.ModelVersion);
        Assert.Equal(expected.Variant, actual.Variant);
        Assert.Equal(TruncateToMicroseconds(expected.Timestamp), actual.Timestamp);
        Assert.Equal(TimeSpan.Zero, actual.Timestamp.Offset);
        Assert.Equal(expected.PredictedValue, actual.PredictedValue);
        Assert.Equal(expected.Score, actual.Score);
        Assert.Equal(expected.PredictedLabel, actual.PredictedLabel);
        Assert.Equal(expected.Segment, actual.Segment);
        if (expected.Inputs is null)
        {
            Assert.Null(actual.Inputs);
        }
        else
        {
            Assert.NotNull(actual.Inputs);
            Assert.Equal(expected.Inputs, actual.Inputs!);
        }
    }

    /// <summary>PostgreSQL stores microseconds; .NET ticks are 100 ns.</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % 10), TimeSpan.Zero);
}
