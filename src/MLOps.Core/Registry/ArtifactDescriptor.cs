namespace MLOps;

/// <summary>A stored blob: its path (or store key), SHA-256 and length, checked on every read.</summary>
/// <param name="Path">The artifact path relative to the version (or the key in an <see cref="IArtifactStore"/>), with <c>/</c> separators.</param>
/// <param name="Sha256">The SHA-256 of the content as 64 lowercase hexadecimal digits.</param>
/// <param name="Length">The length of the content in bytes.</param>
public sealed record ArtifactDescriptor(string Path, string Sha256, long Length);
