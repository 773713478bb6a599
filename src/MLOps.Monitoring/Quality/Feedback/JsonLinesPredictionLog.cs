using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// An <see cref="IPredictionLog"/> in JSON-lines files: one prediction per line, appended in batches to
/// <c>predictions-NNNNNN.jsonl</c> in <see cref="JsonLinesPredictionLogOptions.Directory"/>, rotated by size and
/// pruned by count.
/// </summary>
/// <remarks>
/// <para>
/// Durability: each batch is written and flushed before <see cref="AppendAsync"/> completes, with <c>fsync</c> when
/// <see cref="JsonLinesPredictionLogOptions.FlushToDisk"/> is set (the default). A crash during a write can leave a
/// torn last line; readers skip lines that are not complete JSON objects, and the next writer starts a fresh line.
/// </para>
/// <para>
/// Lookups scan the files from newest to oldest, so <see cref="FindAsync"/> costs time proportional to the data
/// retained; it is meant for feedback that missed the in-memory store, not as a primary index. An id whose
/// per-process prefix (its first 64 bits) no logged prediction has is answered without scanning. One process should
/// write a directory at a time.
/// </para>
/// <para>
/// With <c>LogInputs()</c> on a model's quality monitoring, each line also holds the prediction's input features
/// (<c>"inputs":[{"name":…,"kind":…,"value":…}]</c>); lines without them (older lines, or models without the option)
/// read as before, with <see cref="PredictionRecord.Inputs"/> <see langword="null"/>. As an
/// <see cref="IPredictionLogReader"/> the log streams a model's predictions for batch monitoring jobs, and as an
/// <see cref="IFeedbackLog"/> it keeps feedback in <c>feedback-NNNNNN.jsonl</c> (same rotation and retention) so
/// those jobs can join it.
/// </para>
/// </remarks>
public sealed partial class JsonLinesPredictionLog : IPredictionLog, IPredictionLogReader, IFeedbackLog, IDisposable
{
    private const string FilePrefix = "predictions-";
    private const string FeedbackFilePrefix = "feedback-";
    /// <summary>
    /// The longest line read: 1 MiB. A record the quality monitor writes is a few KB at most (its segment value and
    /// label are bounded, and logged inputs add a few dozen bytes per feature); a longer line (a damaged or foreign file) is skipped like a torn one, so a lookup never
    /// buffers an unbounded line.
    /// </summary>
    internal const int MaxLineBytes = 1 << 20;

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly JsonLinesPredictionLogOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private HashSet<ulong>? _prefixes;
    private long _fileScans;
    private readonly JsonLinesFileSeries _predictions;
    private readonly JsonLinesFileSeries _feedback;
    private bool _disposed;

    /// <summary>Initializes a log with the given options.</summary>
    /// <param name="options">The options.</param>
    /// <param name="logger">Logs skipped lines and pruned files.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><see cref="JsonLinesPredictionLogOptions.Directory"/> is empty.</exception>
    public JsonLinesPredictionLog(IOptions<JsonLinesPredictionLogOptions> options, ILogger<JsonLinesPredictionLog>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        ArgumentException.ThrowIfNullOrWhiteSpace(_options.Directory, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxFiles, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxFileSize, 1, nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        DirectoryPath = Path.GetFullPath(_options.Directory);
        _predictions = new JsonLinesFileSeries(DirectoryPath, FilePrefix, _options.MaxFileSize, _options.MaxFiles, _logger);
        _feedback = new JsonLinesFileSeries(DirectoryPath, FeedbackFilePrefix, _options.MaxFileSize, _options.MaxFiles, _logger);
    }

    /// <summary>Gets the full path of the log directory.</summary>
    public string DirectoryPath { get; }

    /// <summary>Gets the number of files scanned by lookups (for tests).</summary>
    internal long FileScans => Interlocked.Read(ref _fileScans);

    /// <inheritdoc/>
    public async ValueTask AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            FileStream stream = _predictions.OpenForAppend();
            _buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_buffer))
            {
                for (int i = 0; i < records.Count; i++)
                {
                    Write(writer, records[i]);
                    writer.Flush();
                    writer.Reset();
                    _buffer.Write(NewLine);
                }
            }

            await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (_options.FlushToDisk)
            {
                stream.Flush(flushToDisk: true);
            }

            if (_prefixes is not null)
            {
                lock (_prefixes)
                {
                    for (int i = 0; i < records.Count; i++)
                    {
                        _prefixes.Add(Prefix(records[i].PredictionId));
                    }
                }
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <inheritdoc/>
    public ValueTask<PredictionRecord?> FindAsync(PredictionId predictionId, CancellationToken cancellationToken = default)
    {
        if (predictionId.IsEmpty)
        {
            return ValueTask.FromResult<PredictionRecord?>(null);
        }

        // Ids start with 64 bits chosen once per process: an id whose prefix no logged prediction has (a forged or
        // foreign id) is answered without scanning the files.
        HashSet<ulong> prefixes = EnsurePrefixes(cancellationToken);
        lock (prefixes)
        {
            if (!prefixes.Contains(Prefix(predictionId)))
            {
                return ValueTask.FromResult<PredictionRecord?>(null);
            }
        }

        Span<byte> idText = stackalloc byte[32];
        Encoding.ASCII.GetBytes(predictionId.ToString(), idText);
        byte[] needle = idText.ToArray();
        string[] files = _predictions.List();
        for (int f = files.Length - 1; f >= 0; f--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _fileScans);
            PredictionRecord? found = null;
            JsonLinesFileReader.Scan(files[f], MaxLineBytes, line =>
            {
                if (line.IndexOf(needle) >= 0 && TryParse(line, out PredictionRecord record) && record.PredictionId == predictionId)
                {
                    found = record;
                    return false;
                }

                return true;
            });
            if (found is not null)
            {
                return ValueTask.FromResult(found);
            }
        }

        return ValueTask.FromResult<PredictionRecord?>(null);
    }

    /// <summary>
    /// Reads every stored prediction, oldest file first, skipping lines that are not complete records (a torn last line
    /// after a crash). Streams line by line: one line is buffered at a time, however large the files.
    /// </summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The predictions in write order.</returns>
    public IAsyncEnumerable<PredictionRecord> ReadAllAsync(CancellationToken cancellationToken = default) => ReadAllCoreAsync(cancellationToken);

    private async IAsyncEnumerable<PredictionRecord> ReadAllCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (string file in _predictions.List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await foreach (PredictionRecord record in ReadFileAsync(file, cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }
        }
    }

    /// <summary>Closes the current file.</summary>
    public void Dispose()
    {
        _writeLock.Wait();
        try
        {
            _disposed = true;
            _predictions.Dispose();
            _feedback.Dispose();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static ulong Prefix(PredictionId id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.ToGuid().TryWriteBytes(bytes, bigEndian: true, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    /// <summary>Builds the set of id prefixes in the files once (under the write lock, so no append is missed).</summary>
    private HashSet<ulong> EnsurePrefixes(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _prefixes) is { } existing)
        {
            return existing;
        }

        _writeLock.Wait(cancellationToken);
        try
        {
            if (_prefixes is not null)
            {
                return _prefixes;
            }

            var prefixes = new HashSet<ulong>();
            foreach (string file in _predictions.List())
            {
                Interlocked.Increment(ref _fileScans);
                JsonLinesFileReader.Scan(file, MaxLineBytes, line =>
                {
                    if (TryParse(line, out PredictionRecord record))
                    {
                        prefixes.Add(Prefix(record.PredictionId));
                    }

                    return true;
                });
            }

            Volatile.Write(ref _prefixes, prefixes);
            return prefixes;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
