namespace MLOps;

/// <summary>An opaque reference profile stored with a model version (the drift package stores its JSON profile here).</summary>
/// <param name="ContentType">The media type, such as <c>application/json</c>.</param>
/// <param name="Content">The bytes.</param>
public sealed record ReferenceProfile(string ContentType, ReadOnlyMemory<byte> Content);
