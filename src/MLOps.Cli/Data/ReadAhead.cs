using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace MLOps.Cli.Data;

/// <summary>
/// Parses on a second thread while the caller consumes: the reader thread fills the next <see cref="RowBlock"/> while
/// the statistics run over the current one, so a drift check costs little more than the parse on a machine with a
/// free core. At most one block waits in between (the sources keep a ring of four, so none is overwritten while in
/// use); an error on the reader thread is rethrown to the consumer as it was thrown.
/// </summary>
internal static class ReadAhead
{
    public static IEnumerable<RowBlock> Run(IEnumerable<RowBlock> source)
    {
        using var queue = new BlockingCollection<RowBlock>(boundedCapacity: 1);
        using var stop = new CancellationTokenSource();
        ExceptionDispatchInfo? error = null;
        var reader = new Thread(() =>
        {
            try
            {
                foreach (RowBlock block in source)
                {
                    queue.Add(block, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                error = ExceptionDispatchInfo.Capture(ex);
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        {
            IsBackground = true,
            Name = "mlops reader",
        };
        reader.Start();
        try
        {
            foreach (RowBlock block in queue.GetConsumingEnumerable())
            {
                yield return block;
            }

            reader.Join();
            error?.Throw();
        }
        finally
        {
            stop.Cancel();
            reader.Join();
        }
    }
}
