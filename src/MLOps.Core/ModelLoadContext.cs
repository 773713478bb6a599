using Microsoft.ML;

namespace MLOps;

/// <summary>What a <see cref="ModelSource"/> is told when asked to load.</summary>
/// <param name="ModelName">The name the model is served under.</param>
/// <param name="MLContext">The ML.NET context to load with.</param>
/// <param name="CurrentVersion">The version currently served, or <see langword="null"/> before the first load.</param>
/// <param name="CurrentFingerprint">The fingerprint of the model currently served, or <see langword="null"/>.</param>
public sealed record ModelLoadContext(ModelName ModelName, MLContext MLContext, ModelVersion? CurrentVersion, string? CurrentFingerprint);
