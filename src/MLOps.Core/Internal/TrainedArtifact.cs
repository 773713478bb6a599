namespace MLOps.Internal;

/// <summary>
/// A fitted model stored as its own artifact (for example an ONNX graph) rather than as an ML.NET zip: what
/// <see cref="TrainingJob.Artifact"/> returns for the <see cref="TrainingPipeline"/> to log and register.
/// </summary>
/// <param name="Content">The artifact's bytes.</param>
/// <param name="Path">Its artifact path, named after its format (<c>model.onnx</c>), so the registry records the format.</param>
/// <param name="Signature">The signature to register, or <see langword="null"/> to derive it from the data and the scored schema.</param>
internal sealed record TrainedArtifact(ReadOnlyMemory<byte> Content, string Path, ModelSignature? Signature);
