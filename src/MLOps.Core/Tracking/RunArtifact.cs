namespace MLOps;

/// <summary>A file stored with a run (a model zip, a plot, a report), with its SHA-256 verified on every read.</summary>
/// <param name="Path">The relative path within the run (the <see cref="ModelArtifact.ValidatePath"/> rules).</param>
/// <param name="Sha256">The SHA-256 of the content as 64 lowercase hexadecimal digits.</param>
/// <param name="Length">The length in bytes.</param>
/// <param name="LoggedAt">When it was stored.</param>
public sealed record RunArtifact(string Path, string Sha256, long Length, DateTimeOffset LoggedAt);
