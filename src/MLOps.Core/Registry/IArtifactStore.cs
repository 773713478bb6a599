namespace MLOps;

/// <summary>
/// Stores immutable blobs by key and verifies their SHA-256 and length on every read. Registry backends keep model
/// artifacts and reference profiles in one.
/// </summary>
/// <remarks>
/// Keys are relative paths with <c>/</c> separators; each segment is 1 to 255 characters of ASCII letters, digits,
/// <c>_</c>, <c>-</c>, <c>+</c> or <c>.</c>, and is neither <c>.</c> nor <c>..</c> (see <see cref="ModelArtifact.IsValidPath(string?)"/>).
/// A put is atomic: a reader sees the whole blob or none.
/// </remarks>
public interface IArtifactStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing any blob stored there.</summary>
    /// <param name="key">The key.</param>
    /// <param name="content">The content, read to its end.</param>
    /// <param name="cancellationToken">A token that cancels the write (nothing is stored then).</param>
    /// <returns>The key, SHA-256 and length of what was stored.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is not a valid key.</exception>
    Task<ArtifactDescriptor> PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the blob described by <paramref name="expected"/> for reading. The stream verifies length and SHA-256 as it
    /// is read: reading to the end of a tampered or truncated blob throws <see cref="ArtifactIntegrityException"/>.
    /// </summary>
    /// <param name="expected">The key, SHA-256 and length recorded when the blob was stored.</param>
    /// <param name="cancellationToken">A token that cancels opening.</param>
    /// <returns>A read-only, verifying stream; dispose it.</returns>
    /// <exception cref="ArtifactIntegrityException">The blob is missing or its length differs.</exception>
    Task<Stream> OpenReadAsync(ArtifactDescriptor expected, CancellationToken cancellationToken = default);

    /// <summary>Returns whether a blob is stored under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns><see langword="true"/> if it exists.</returns>
    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes the blob under <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">A token that cancels the call.</param>
    /// <returns><see langword="true"/> if a blob was deleted, <see langword="false"/> if none existed.</returns>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
