using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Shared.FileSystem;

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
/// </remarks>
public sealed class JsonLinesPredictionLog : IPredictionLog, IDisposable
{
    private const string FilePrefix = "predictions-";
    private const string FileExtension = ".jsonl";
    /// <summary>
    /// The longest line read: 1 MiB. A record the quality monitor writes is a few KB at most (its segment value and
    /// label are bounded); a longer line (a damaged or foreign file) is skipped like a torn one, so a lookup never
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
    private FileStream? _current;
    private int _currentNumber;
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
            FileStream stream = OpenForAppend();
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
        string[] files = ListFiles();
        for (int f = files.Length - 1; f >= 0; f--)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _fileScans);
            PredictionRecord? found = null;
            ScanFile(files[f], line =>
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

    /// <summary>Reads every stored prediction, oldest file first, skipping lines that are not complete records (a torn last line after a crash).</summary>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The predictions in write order.</returns>
    public IAsyncEnumerable<PredictionRecord> ReadAllAsync(CancellationToken cancellationToken = default) => ReadAllCoreAsync(cancellationToken);

    private async IAsyncEnumerable<PredictionRecord> ReadAllCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (string file in ListFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            var records = new List<PredictionRecord>();
            long skipped = 0;
            ScanFile(file, line =>
            {
                if (TryParse(line, out PredictionRecord record))
                {
                    records.Add(record);
                }
                else
                {
                    skipped++;
                }

                return true;
            });
            if (skipped > 0)
            {
                Log.PredictionLogLinesSkipped(_logger, skipped, file);
            }

            foreach (PredictionRecord record in records)
            {
                yield return record;
            }

            await Task.Yield();
        }
    }

    /// <summary>Closes the current file.</summary>
    public void Dispose()
    {
        _writeLock.Wait();
        try
        {
            _disposed = true;
            _current?.Dispose();
            _current = null;
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
            foreach (string file in ListFiles())
            {
                Interlocked.Increment(ref _fileScans);
                ScanFile(file, line =>
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

    internal static bool TryParse(ReadOnlySpan<byte> line, out PredictionRecord record)
    {
        record = default;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            PredictionId id = default;
            string? model = null, variant = null, label = null, segment = null;
            int version = 0;
            DateTimeOffset timestamp = default;
            double value = double.NaN, score = double.NaN;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString()!;
                reader.Read();
                bool isNull = reader.TokenType == JsonTokenType.Null;
                switch (name)
                {
                    case "id": id = PredictionId.TryParse(reader.GetString(), out PredictionId parsed) ? parsed : default; break;
                    case "model": model = reader.GetString(); break;
                    case "version": version = reader.GetInt32(); break;
                    case "variant": variant = reader.GetString(); break;
                    case "ts": timestamp = reader.GetDateTimeOffset(); break;
                    case "value": value = isNull ? double.NaN : reader.GetDouble(); break;
                    case "score": score = isNull ? double.NaN : reader.GetDouble(); break;
                    case "label": label = reader.GetString(); break;
                    case "segment": segment = reader.GetString(); break;
                    default: reader.Skip(); break;
                }
            }

            // A complete record ends with its closing brace and nothing after it.
            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || id.IsEmpty || !ModelName.TryParse(model, out ModelName modelName) || variant is null || version < 1)
            {
                return false;
            }

            record = new PredictionRecord(id, modelName, new ModelVersion(version), variant, timestamp, value, score, label, segment);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Write(Utf8JsonWriter writer, in PredictionRecord record)
    {
        writer.WriteStartObject();
        Span<char> id = stackalloc char[32];
        record.PredictionId.TryFormat(id, out _, "N", CultureInfo.InvariantCulture);
        writer.WriteString("id", id);
        writer.WriteString("model", record.ModelName.Value);
        writer.WriteNumber("version", record.ModelVersion.Number);
        writer.WriteString("variant", record.Variant);
        writer.WriteString("ts", record.Timestamp.ToUniversalTime());
        if (double.IsFinite(record.PredictedValue))
        {
            writer.WriteNumber("value", record.PredictedValue);
        }

        if (double.IsFinite(record.Score))
        {
            writer.WriteNumber("score", record.Score);
        }

        if (record.PredictedLabel is not null)
        {
            writer.WriteString("label", record.PredictedLabel);
        }

        if (record.Segment is not null)
        {
            writer.WriteString("segment", record.Segment);
        }

        writer.WriteEndObject();
    }

    /// <summary>Calls <paramref name="onLine"/> with each line (without the newline) until it returns <see langword="false"/>.</summary>
    private static void ScanFile(string path, Func<ReadOnlySpan<byte>, bool> onLine)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return;   // pruned meanwhile
        }
        catch (DirectoryNotFoundException)
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            using (stream)
            {
                int start = 0, end = 0;
                bool skipping = false;   // inside a line longer than MaxLineBytes: dropped up to its newline
                while (true)
                {
                    if (end == buffer.Length)
                    {
                        if (start > 0)
                        {
                            buffer.AsSpan(start, end - start).CopyTo(buffer);
                            end -= start;
                            start = 0;
                        }
                        else if (skipping || end >= MaxLineBytes)
                        {
                            skipping = true;
                            start = end = 0;
                        }
                        else
                        {
                            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, MaxLineBytes));
                            buffer.AsSpan(0, end).CopyTo(larger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }
                    }

                    int read = stream.Read(buffer, end, buffer.Length - end);
                    if (read == 0)
                    {
                        if (skipping)
                        {
                            onLine(ReadOnlySpan<byte>.Empty);   // an overlong last line: unreadable, like a torn one
                        }
                        else if (end > start)
                        {
                            onLine(buffer.AsSpan(start, end - start));   // last line without newline (possibly torn)
                        }

                        return;
                    }

                    end += read;
                    int newline;
                    while ((newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n')) >= 0)
                    {
                        ReadOnlySpan<byte> line = buffer.AsSpan(start, newline);
                        start += newline + 1;
                        if (skipping)
                        {
                            skipping = false;
                            if (!onLine(ReadOnlySpan<byte>.Empty))   // reported as one unreadable line
                            {
                                return;
                            }

                            continue;
                        }

                        if (!line.IsEmpty && !onLine(line))
                        {
                            return;
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private string[] ListFiles()
    {
        if (!System.IO.Directory.Exists(DirectoryPath))
        {
            return [];
        }

        var files = new List<(int Number, string Path)>();
        foreach (string path in System.IO.Directory.EnumerateFiles(DirectoryPath, FilePrefix + "*" + FileExtension))
        {
            if (TryGetNumber(path, out int number))
            {
                files.Add((number, path));
            }
        }

        files.Sort(static (a, b) => a.Number.CompareTo(b.Number));
        return files.ConvertAll(static f => f.Path).ToArray();
    }

    private static bool TryGetNumber(string path, out int number)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        return int.TryParse(name.AsSpan(FilePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private string PathOf(int number) =>
        Path.Combine(DirectoryPath, FilePrefix + number.ToString("D6", CultureInfo.InvariantCulture) + FileExtension);

    private FileStream OpenForAppend()
    {
        if (_current is not null && _current.Length < _options.MaxFileSize)
        {
            return _current;
        }

        if (_current is null)
        {
            System.IO.Directory.CreateDirectory(DirectoryPath);
            string[] existing = ListFiles();
            _currentNumber = existing.Length == 0 ? 1 : (TryGetNumber(existing[^1], out int last) ? last : 1);
        }
        else
        {
            _current.Dispose();
            _current = null;
            _currentNumber++;
        }

        var stream = new FileStream(PathOf(_currentNumber), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1);
        // A crash may have left a torn last line: start on a fresh line so the next record stays readable. The fragment
        // stays (readers skip it), unlike the registry's and the tracker's logs, which cut it (JsonLines.RepairTornTail).
        bool endsWithNewline = JsonLines.EndsWithCompleteLine(stream);
        stream.Seek(0, SeekOrigin.End);
        if (!endsWithNewline)
        {
            stream.Write(NewLine);
        }

        _current = stream;
        if (_current.Length >= _options.MaxFileSize)
        {
            return OpenForAppend();
        }

        Prune();
        return _current;
    }

    private void Prune()
    {
        string[] files = ListFiles();
        for (int i = 0; i < files.Length - _options.MaxFiles; i++)
        {
            try
            {
                File.Delete(files[i]);
                Log.PredictionLogFilePruned(_logger, files[i]);
            }
            catch (IOException ex)
            {
                Log.PredictionLogPruneFailed(_logger, ex, files[i]);
            }
        }
    }
}
