using System.Runtime.InteropServices;
using MLOps.Internal.Onnx;

namespace MLOps.Internal;

/// <summary>The registered <see cref="IModelFormat"/>s and the rule that picks one for an artifact.</summary>
internal sealed class ModelFormatSet
{
    private readonly IModelFormat[] _formats;
    private readonly IModelFormat _fallback;

    public ModelFormatSet(IEnumerable<IModelFormat> formats)
    {
        // Formats the application adds come after the built-in ones in DI; they are asked first so they can claim an
        // extension the SDK also knows.
        _formats = [.. formats.Reverse()];
        _fallback = Array.Find(_formats, f => f is MLNetModelFormat) ?? new MLNetModelFormat();
    }

    /// <summary>The built-in formats, for sources created without a service provider.</summary>
    public static ModelFormatSet BuiltIn { get; } = new([new MLNetModelFormat(), new OnnxModelFormat()]);

    /// <summary>Picks the format named by <paramref name="formatName"/>, else the one that claims the path, else ML.NET.</summary>
    /// <exception cref="ModelLoadException">No registered format has that name.</exception>
    public IModelFormat Resolve(string artifactPath, string? formatName)
    {
        if (!string.IsNullOrWhiteSpace(formatName))
        {
            return Array.Find(_formats, f => string.Equals(f.Name, formatName, StringComparison.OrdinalIgnoreCase))
                ?? throw new ModelLoadException(
                    $"The model's format is recorded as '{formatName}', but no such format is registered " +
                    $"(registered: {string.Join(", ", _formats.Select(f => f.Name).Distinct())}). Register it with AddMLOps().AddModelFormat<T>().");
        }

        return Array.Find(_formats, f => f.CanLoad(artifactPath)) ?? _fallback;
    }

    /// <summary>
    /// The name of the format that claims <paramref name="artifactPath"/> (<see cref="IModelFormat.CanLoad"/>), or
    /// <see langword="null"/> when none does or ML.NET does: ML.NET is the default, so a version without a format tag is
    /// an ML.NET model. The registries record this name as a new version's <see cref="ModelFormats.Tag"/> tag.
    /// </summary>
    public string? Claim(string artifactPath) =>
        Array.Find(_formats, f => f.CanLoad(artifactPath)) is { } format && format is not MLNetModelFormat ? format.Name : null;

    /// <summary>Loads an artifact with the format <see cref="Resolve"/> picks (the runtime wraps a failure in a <see cref="ModelLoadException"/>).</summary>
    public InferenceModel Load(ReadOnlyMemory<byte> artifact, string artifactPath, string? formatName, ModelLoadContext context) =>
        Resolve(artifactPath, formatName).Load(artifact, context);

    public static MemoryStream OpenRead(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
}
