using Microsoft.ML;

namespace MLOps;

/// <summary>The outcome of <see cref="ModelTrainingRunner.TrainAndRegisterAsync(ModelTrainingRequest, IDataView, CancellationToken)"/>.</summary>
public sealed record ModelTrainingResult
{
    /// <summary>Gets the finished run that recorded the training.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the registered version (its lineage points at <see cref="RunId"/>).</summary>
    public required RegisteredModelVersion Version { get; init; }

    /// <summary>Gets the hold-out metrics (the non-finite ones are left out).</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }

    /// <summary>Gets the trained model.</summary>
    public required ITransformer Model { get; init; }

    /// <summary>Gets the dataset input recorded in the run (name, digest, row count, schema).</summary>
    public required DatasetInput Dataset { get; init; }

    /// <summary>Gets the number of training rows.</summary>
    public long TrainRowCount { get; init; }

    /// <summary>Gets the number of hold-out rows.</summary>
    public long TestRowCount { get; init; }

    /// <summary>Gets the alias move when <see cref="ModelTrainingRequest.PromoteTo"/> was set and the gates passed, or <see langword="null"/>.</summary>
    public AliasHistoryEntry? Promotion { get; init; }

    /// <summary>Gets why a requested promotion was rejected by a gate (the version stays registered), or <see langword="null"/>.</summary>
    public string? PromotionFailure { get; init; }
}
