using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>What the <see cref="TrainingPipeline"/> produced.</summary>
internal sealed record TrainingPipelineResult(
    string? RunId,
    RegisteredModelVersion Version,
    IReadOnlyDictionary<string, double> Metrics,
    ITransformer Model,
    DatasetInput Dataset,
    long TrainRowCount,
    long TestRowCount);
