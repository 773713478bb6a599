using System.Security.Cryptography;
using Microsoft.ML;

namespace MLOps.Internal;

/// <summary>
/// The one <c>DatasetDigest</c> of model lineage, shared by the training runner and the retrainer. Identifies a dataset's content: <c>sha256:&lt;hex&gt;</c> over ML.NET's text rendering of the visible columns (header,
/// schema comment and every row, tab-separated), so equal rows in equal columns give equal digests whatever the source.
/// </summary>
internal static class DatasetDigest
{
    public static (string Digest, long RowCount) Compute(MLContext ml, IDataView data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var sink = new HashingStream(hash))
        {
            ml.Data.SaveAsText(data, sink, separatorChar: '\t', headerRow: true, schema: true);
        }

        return ("sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), Count(data));
    }

    public static long Count(IDataView data)
    {
        if (data.GetRowCount() is long known)
        {
            return known;
        }

        long count = 0;
        using DataViewRowCursor cursor = data.GetRowCursor([]);
        while (cursor.MoveNext())
        {
            count++;
        }

        return count;
    }

    private sealed class HashingStream(IncrementalHash hash) : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            _length += buffer.Length;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
