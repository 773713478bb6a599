using System.Text.Json;
using MLOps.Monitoring.Retraining;

namespace TaxiService;

/// <summary>
/// The company's record of completed trips (a JSON-lines file standing in for a data warehouse table). The app appends a
/// trip when it completes; the retrain policy trains on the most recent ones.
/// </summary>
public sealed class Warehouse(string path) : ITrainingDataSource<TaxiTrip>
{
    /// <summary>How many of the most recent completed trips a retrain uses.</summary>
    public const int TrainingRows = 5_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public string Path { get; } = System.IO.Path.GetFullPath(path);

    public async Task AppendAsync(TaxiTrip trip, CancellationToken cancellationToken)
    {
        string line = JsonSerializer.Serialize(trip, Json) + "\n";
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            await File.AppendAllTextAsync(Path, line, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<IReadOnlyList<TaxiTrip>> LoadAsync(RetrainTrigger trigger, CancellationToken cancellationToken) =>
        await ReadRecentAsync(cancellationToken);

    /// <summary>The most recent completed trips (at most <see cref="TrainingRows"/>).</summary>
    public async Task<IReadOnlyList<TaxiTrip>> ReadRecentAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        await _gate.WaitAsync(cancellationToken);
        string[] lines;
        try
        {
            lines = await File.ReadAllLinesAsync(Path, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }

        return lines.TakeLast(TrainingRows)
            .Where(l => l.Length > 0)
            .Select(l => JsonSerializer.Deserialize<TaxiTrip>(l, Json)!)
            .Where(CompletedTrips.IsPlausible)   // rows appended unchecked by an older version of the sample
            .ToList();
    }
}
