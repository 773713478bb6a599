using System.Security.Cryptography;

namespace MLOps.Registry.Internal;

/// <summary>
/// Reads an artifact and checks its length and SHA-256 against what was recorded: more bytes than recorded fail at once,
/// and at the end of the stream fewer bytes or a different hash throw <see cref="ArtifactIntegrityException"/>.
/// </summary>
internal sealed class VerifyingReadStream : ReadOnlyWrapperStream
{
    private readonly ArtifactDescriptor _expected;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _read;
    private bool _verified;

    public VerifyingReadStream(Stream inner, ArtifactDescriptor expected)
        : base(inner)
    {
        _expected = expected;
    }

    public override long Length => _expected.Length;

    public override long Position { get => _read; }

    public override int Read(Span<byte> buffer) => Account(buffer, Inner.Read(buffer));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span, n);
    }

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

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
