using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>The batch side of <see cref="JsonLinesPredictionLog"/>: streaming a model's predictions with their feedback, and storing feedback.</summary>
public sealed partial class JsonLinesPredictionLog
{
    /// <summary>The ids that have feedback in the files (loaded on first use; guarded by the write lock).</summary>
    private HashSet<PredictionId>? _feedbackIds;

    /// <summary>
    /// Stores feedback in <c>feedback-NNNNNN.jsonl</c> beside the predictions unless this log already holds feedback for
    /// the prediction: the first one wins. The check and the append run under the log's write lock against an index of
    /// the ids in the feedback files (built once, about 40 bytes per id), so it holds for the callers of this instance:
    /// one process owns the directory, as for predictions. Replicas that must agree on the first feedback need a shared
    /// store (the PostgreSQL monitoring store).
    /// </summary>
    /// <param name="feedback">The feedback.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns><see langword="true"/> if this call stored it; <see langword="false"/> if the prediction already had feedback.</returns>
    /// <exception cref="ArgumentException">The prediction id is empty, or the ground truth has no value.</exception>
    public async ValueTask<bool> TryAppendAsync(FeedbackRecord feedback, CancellationToken cancellationToken = default)
    {
        if (feedback.PredictionId.IsEmpty)
        {
            throw new ArgumentException("The prediction id is empty.", nameof(feedback));
        }

        if (feedback.Actual.Kind == GroundTruthKind.None)
        {
            throw new ArgumentException("The ground truth has no value.", nameof(feedback));
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            HashSet<PredictionId> ids = _feedbackIds ??= LoadFeedbackIds(cancellationToken);
            if (ids.Contains(feedback.PredictionId))
            {
                return false;
            }

            FileStream stream = _feedback.OpenForAppend();
            _buffer.ResetWrittenCount();
            using (var writer = new Utf8JsonWriter(_buffer))
            {
                WriteFeedback(writer, feedback);
            }

            _buffer.Write(NewLine);
            await stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (_options.FlushToDisk)
            {
                stream.Flush(flushToDisk: true);
            }

            ids.Add(feedback.PredictionId);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Streams the predictions of <paramref name="model"/> made in [<paramref name="from"/>, <paramref name="to"/>) in
    /// log order (oldest file first; within a file, the order the background writer wrote them, which is prediction
    /// order per model), each with the first feedback stored for it by <see cref="TryAppendAsync"/>.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="from">The start of the range (inclusive).</param>
    /// <param name="to">The end of the range (exclusive).</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    /// <returns>The predictions with their feedback.</returns>
    /// <remarks>
    /// Predictions are read one line at a time, file by file: memory does not grow with the predictions read. The
    /// feedback is indexed first (prediction id → ground truth, about 100 bytes per feedback retained in the files), so
    /// memory grows with the feedback the log holds, not with the range. Lines that are not complete records are skipped
    /// (and logged), like the torn last line of a crash.
    /// </remarks>
    public IAsyncEnumerable<LoggedPrediction> ReadAsync(ModelName model, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(model, from, to, cancellationToken);

    private async IAsyncEnumerable<LoggedPrediction> ReadCoreAsync(ModelName model, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (from >= to)
        {
            yield break;
        }

        Dictionary<PredictionId, GroundTruth> actuals = LoadFeedback(cancellationToken);
        foreach (string file in _predictions.List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            await foreach (PredictionRecord record in ReadFileAsync(file, cancellationToken).ConfigureAwait(false))
            {
                if (record.ModelName == model && record.Timestamp >= from && record.Timestamp < to)
                {
                    yield return new LoggedPrediction(record, actuals.TryGetValue(record.PredictionId, out GroundTruth actual) ? actual : (GroundTruth?)null);
                }
            }
        }
    }

    /// <summary>Streams the records of one prediction file, one line buffered at a time.</summary>
    private async IAsyncEnumerable<PredictionRecord> ReadFileAsync(string file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using JsonLinesFileReader? lines = JsonLinesFileReader.Open(file, MaxLineBytes);
        if (lines is null)
        {
            yield break;   // pruned meanwhile
        }

        var names = new List<string>();
        long skipped = 0, read = 0;
        while (lines.MoveNext())
        {
            if (!TryParse(lines.Current, names, out PredictionRecord record))
            {
                skipped++;
                continue;
            }

            yield return record;
            if ((++read & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        if (skipped > 0)
        {
            Log.PredictionLogLinesSkipped(_logger, skipped, file);
        }

        await Task.Yield();
    }

    /// <summary>The first feedback per prediction id in the feedback files, oldest file first.</summary>
    private Dictionary<PredictionId, GroundTruth> LoadFeedback(CancellationToken cancellationToken)
    {
        var actuals = new Dictionary<PredictionId, GroundTruth>();
        foreach (string file in _feedback.List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            JsonLinesFileReader.Scan(file, MaxLineBytes, line =>
            {
                if (TryParseFeedback(line, out FeedbackRecord feedback))
                {
                    actuals.TryAdd(feedback.PredictionId, feedback.Actual);
                }

                return true;
            });
        }

        return actuals;
    }

    private HashSet<PredictionId> LoadFeedbackIds(CancellationToken cancellationToken)
    {
        var ids = new HashSet<PredictionId>();
        foreach (string file in _feedback.List())
        {
            cancellationToken.ThrowIfCancellationRequested();
            JsonLinesFileReader.Scan(file, MaxLineBytes, line =>
            {
                if (TryParseFeedback(line, out FeedbackRecord feedback))
                {
                    ids.Add(feedback.PredictionId);
                }

                return true;
            });
        }

        return ids;
    }
}
