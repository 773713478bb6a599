using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace MLOps;

/// <summary>
/// One file to store with a new model version: an ML.NET model zip or any other file of a file set.
/// </summary>
/// <remarks>
/// Artifact paths are relative, use <c>/</c> as separator, and each segment is 1 to 255 characters of ASCII letters,
/// digits, <c>_</c>, <c>-</c>, <c>+</c> or <c>.</c> and is neither <c>.</c> nor <c>..</c>. Absolute paths, drive
/// letters, back slashes and traversal (<c>../</c>) are rejected when the artifact is created, before anything is written.
/// </remarks>
public sealed partial class ModelArtifact
{
    /// <summary>The default path of a model's primary artifact: <c>model.zip</c>.</summary>
    public const string DefaultPath = "model.zip";

    /// <summary>The maximum length of an artifact path.</summary>
    public const int MaxPathLength = 1024;

    private readonly Func<CancellationToken, ValueTask<Stream>> _open;

    private ModelArtifact(string path, Func<CancellationToken, ValueTask<Stream>> open)
    {
        Path = path;
        _open = open;
    }

    /// <summary>Gets the artifact's path within the version.</summary>
    public string Path { get; }

    /// <summary>Creates an artifact from a file on disk, read when the version is registered.</summary>
    /// <param name="filePath">The file to read.</param>
    /// <param name="path">The artifact path; <see langword="null"/> uses the file's name.</param>
    /// <returns>The artifact.</returns>
    /// <exception cref="ArgumentException">A path is null, empty or invalid.</exception>
    public static ModelArtifact FromFile(string filePath, string? path = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        string full = System.IO.Path.GetFullPath(filePath);
        string artifactPath = path ?? System.IO.Path.GetFileName(full);
        ValidatePath(artifactPath, nameof(path));
        return new ModelArtifact(artifactPath, _ => ValueTask.FromResult<Stream>(
            new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan)));
    }

    /// <summary>Creates an artifact from bytes.</summary>
    /// <param name="content">The content; not copied, so do not change it before registration completes.</param>
    /// <param name="path">The artifact path.</param>
    /// <returns>The artifact.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is invalid.</exception>
    public static ModelArtifact FromBytes(ReadOnlyMemory<byte> content, string path = DefaultPath)
    {
        ValidatePath(path, nameof(path));
        return new ModelArtifact(path, _ => ValueTask.FromResult<Stream>(new ReadOnlyMemoryStream(content)));
    }

    /// <summary>Creates an artifact whose content is produced by <paramref name="open"/> when the version is registered.</summary>
    /// <param name="open">Opens the content stream; the registry disposes it.</param>
    /// <param name="path">The artifact path.</param>
    /// <returns>The artifact.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="open"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is invalid.</exception>
    public static ModelArtifact FromStream(Func<CancellationToken, ValueTask<Stream>> open, string path = DefaultPath)
    {
        ArgumentNullException.ThrowIfNull(open);
        ValidatePath(path, nameof(path));
        return new ModelArtifact(path, open);
    }

    /// <summary>Opens the content for reading; called once by the registry, which disposes the stream.</summary>
    /// <param name="cancellationToken">A token that cancels opening.</param>
    /// <returns>The content stream.</returns>
    public ValueTask<Stream> OpenReadAsync(CancellationToken cancellationToken = default) => _open(cancellationToken);

    /// <summary>Returns whether <paramref name="path"/> is a valid artifact path or store key.</summary>
    /// <param name="path">The candidate path.</param>
    /// <returns><see langword="true"/> if valid.</returns>
    public static bool IsValidPath([NotNullWhen(true)] string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > MaxPathLength)
        {
            return false;
        }

        foreach (string segment in path.Split('/'))
        {
            if (segment.Length is 0 or > 255 || segment is "." or ".." || !SegmentRegex().IsMatch(segment))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws unless <paramref name="path"/> is a valid artifact path.</summary>
    /// <param name="path">The candidate path.</param>
    /// <param name="paramName">The parameter name to report.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is invalid; the message names the rule.</exception>
    public static void ValidatePath(string? path, string paramName)
    {
        ArgumentNullException.ThrowIfNull(path, paramName);
        if (!IsValidPath(path))
        {
            throw new ArgumentException(
                $"'{ModelName.Truncate(path)}' is not a valid artifact path: use a relative path with '/' separators whose segments " +
                "are 1 to 255 ASCII letters, digits, '_', '-', '+' or '.', and are neither '.' nor '..' (no absolute paths, no '../').",
                paramName);
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_+.\-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex SegmentRegex();

    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> content) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => content.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, content.Length - _position);
            content.Span.Slice(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
