using System.Security.Cryptography;

namespace MLOps.Registry.Internal;

/// <summary>
/// Reads an artifact and checks its length and SHA-256 against what was recorded: more bytes than recorded fail at once,
/// and at the end of the stream fewer bytes or a different hash throw <see cref="ArtifactIntegrityException"/>.
/// </summary>
internal sealed class VerifyingReadStream : Stream
{
    private readonly Stream _inner;
    private readonly ArtifactDescriptor _expected;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;

    public VerifyingReadStream(Stream inner, ArtifactDescriptor expected)
    {
        _inner = inner;
        _expected = expected;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _expected.Length;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Account(buffer, _inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span, n);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Account(ReadOnlySpan<byte> buffer, int n)
    {
        if (n > 0)
        {
            _read += n;
            if (_read > _expected.Length)
            {
                throw new ArtifactIntegrityException(_expected.Path, $"it is longer than the recorded {_expected.Length} bytes.");
            }

            _hash.AppendData(buffer[..n]);
            return n;
        }

        if (buffer.Length > 0 && !_verified)
        {
            _verified = true;
            if (_read != _expected.Length)
            {
                throw new ArtifactIntegrityException(_expected.Path, $"it has {_read} bytes, {_expected.Length} were recorded (truncated).");
            }

            string actual = Convert.ToHexStringLower(_hash.GetHashAndReset());
            if (!string.Equals(actual, _expected.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new ArtifactIntegrityException(_expected.Path, $"its SHA-256 is {actual}, {_expected.Sha256} was recorded (tampered or corrupted).");
            }
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await _inner.DisposeAsync().ConfigureAwait(false);
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
