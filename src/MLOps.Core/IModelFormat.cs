namespace MLOps;

/// <summary>
/// Turns a model artifact (an ML.NET zip, an ONNX graph, or a format you plug in) into an <see cref="InferenceModel"/>.
/// <c>FromFile</c> and <c>FromRegistry</c> pick the format by the version's <see cref="ModelFormats.Tag"/> tag when it
/// has one, else by the artifact's file name (<see cref="CanLoad"/>), else ML.NET.
/// </summary>
/// <remarks>
/// Register one with <c>AddMLOps().AddModelFormat&lt;TFormat&gt;()</c>. ML.NET (<c>mlnet</c>, <c>.zip</c>) and ONNX
/// (<c>onnx</c>, <c>.onnx</c>) are registered by <c>AddMLOps</c>.
/// </remarks>
public interface IModelFormat
{
    /// <summary>Gets the format's name, matched case-insensitively against a registry version's <see cref="ModelFormats.Tag"/> tag.</summary>
    string Name { get; }

    /// <summary>Returns whether an artifact with this file name is in this format (usually by its extension).</summary>
    /// <param name="artifactPath">The file path or registry artifact path.</param>
    /// <returns><see langword="true"/> if this format loads it.</returns>
    bool CanLoad(string artifactPath);

    /// <summary>Loads a model from the artifact's bytes. Called off the hot path, when a version loads.</summary>
    /// <param name="artifact">The artifact's content.</param>
    /// <param name="context">The model being loaded and what it serves now.</param>
    /// <returns>The loaded model; the serving pipeline disposes it.</returns>
    /// <exception cref="ModelLoadException">The artifact cannot be loaded; any other exception is wrapped in one.</exception>
    InferenceModel Load(ReadOnlyMemory<byte> artifact, ModelLoadContext context);
}
