using System.Diagnostics;
using System.Globalization;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;

namespace MLOps.Benchmarks.Drift;

/// <summary>
/// Console mode <c>batch-peak</c>: the peak managed memory of one batch drift report (and of profiling the reference)
/// against the size of its input, measured in a process of its own.
/// </summary>
/// <remarks>
/// <para>What is measured, for each operation:</para>
/// <list type="bullet">
/// <item><description>Input: Rows × Features × 8 bytes of <see cref="double"/> columns, alive before and after.</description></item>
/// <item><description>
/// Live before: <see cref="GC.GetTotalMemory(bool)"/> after forced full blocking compacting collections, with the input
/// (and the reference profile) alive: the managed heap the operation starts from.
/// </description></item>
/// <item><description>
/// Allocated: <see cref="GC.GetTotalAllocatedBytes(bool)"/> (precise) after minus before the operation. Even if no
/// collection ran, the heap cannot exceed Live before + Allocated, so that sum is an upper bound on the peak.
/// </description></item>
/// <item><description>
/// Sampled peak: the largest <see cref="GC.GetTotalMemory(bool)"/> (no collection) seen by a thread polling it about
/// every millisecond during the operation, and once at its end: bytes in use by the managed heap at that instant,
/// including garbage not yet collected. A peak shorter than the polling interval can be missed; the upper bound cannot.
/// </description></item>
/// <item><description>
/// Collections: gen0/1/2 collection counts during the operation, and <see cref="GCMemoryInfo.HeapSizeBytes"/> of the last
/// collection when one ran.
/// </description></item>
/// </list>
/// <para>
/// The operation runs once on a small input first so JIT compilation does not count. Peak ratio = peak / input; the
/// issue's target is a peak at most 1.5 × the input.
/// </para>
/// </remarks>
internal static class BatchPeakMemory
{
    public static int Run(string[] args)
    {
        int rows = Option(args, "--rows", 1_000_000);
        int features = Option(args, "--features", 20);
        double inputMb = rows * (double)features * 8 / 1e6;
        Console.WriteLine($"batch-peak: {rows:N0} rows × {features} numeric features = {inputMb:N1} MB of doubles per input; server GC: {System.Runtime.GCSettings.IsServerGC}");

        // Warm up (JIT) on a small input.
        ReferenceProfile small = ReferenceProfile.FromColumns(BatchDriftData.Columns(2_000, features, 0, 1));
        _ = DriftDetector.CompareColumns(small, BatchDriftData.Columns(20_000, features, 0.1, 2));

        KeyValuePair<string, double[]>[] referenceColumns = BatchDriftData.Columns(rows, features, 0, 1);
        ReferenceProfile? profile = null;
        Measurement profiling = Measure(() => profile = ReferenceProfile.FromColumns(referenceColumns));
        Report("ReferenceProfile.FromColumns (reference)", profiling, inputMb);
        referenceColumns = null!;

        KeyValuePair<string, double[]>[] current = BatchDriftData.Columns(rows, features, 0.1, 2);
        DriftReport? report = null;
        Measurement comparing = Measure(() => report = DriftDetector.CompareColumns(profile!, current));
        Report("DriftDetector.CompareColumns (drift report)", comparing, inputMb);
        Console.WriteLine($"report: {report!.EvaluatedFeatures} features evaluated with {report.Features[0].Method}, {report.DriftedFeatures} drifted; {current.Length} columns alive");
        GC.KeepAlive(current);
        return 0;
    }

    private static Measurement Measure(Action action)
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long lastGcIndex = GC.GetGCMemoryInfo(GCKind.Any).Index;
        long peak = before;
        long samples = 0;
        bool done = false;
        var sampler = new Thread(() =>
        {
            while (!Volatile.Read(ref done))
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                samples++;
                Thread.Sleep(1);   // a busy poll would take the second core from the measured code on a 2-core machine
            }
        })
        { IsBackground = true, Priority = ThreadPriority.AboveNormal };
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        sampler.Start();
        var watch = Stopwatch.StartNew();
        action();
        watch.Stop();
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Volatile.Write(ref done, true);
        sampler.Join();
        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
        GCMemoryInfo info = GC.GetGCMemoryInfo(GCKind.Any);
        return new Measurement(
            before,
            allocated,
            peak,
            samples,
            GC.CollectionCount(0) - gen0,
            GC.CollectionCount(1) - gen1,
            GC.CollectionCount(2) - gen2,
            info.Index != lastGcIndex ? info.HeapSizeBytes : null,
            watch.Elapsed);
    }

    private static void Report(string name, Measurement m, double inputMb)
    {
        static double Mb(long bytes) => bytes / 1e6;
        Console.WriteLine();
        Console.WriteLine(name);
        Console.WriteLine($"  time                              {m.Elapsed.TotalMilliseconds,10:N0} ms");
        Console.WriteLine($"  input                             {inputMb,10:N1} MB");
        Console.WriteLine($"  live managed heap before          {Mb(m.Before),10:N1} MB  ({Mb(m.Before) / inputMb:N3} × input)");
        Console.WriteLine($"  allocated during the operation    {Mb(m.Allocated),10:N1} MB  ({Mb(m.Allocated) / inputMb:N3} × input)");
        Console.WriteLine($"  upper bound on peak (before+alloc){Mb(m.Before + m.Allocated),10:N1} MB  ({Mb(m.Before + m.Allocated) / inputMb:N3} × input)");
        Console.WriteLine($"  sampled peak heap in use          {Mb(m.Peak),10:N1} MB  ({Mb(m.Peak) / inputMb:N3} × input; {m.Samples:N0} samples)");
        string last = m.LastHeapSize is { } size ? $"; heap after the last one {Mb(size):N1} MB" : string.Empty;
        Console.WriteLine($"  collections gen0/gen1/gen2        {m.Gen0}/{m.Gen1}/{m.Gen2}{last}");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private sealed record Measurement(long Before, long Allocated, long Peak, long Samples, int Gen0, int Gen1, int Gen2, long? LastHeapSize, TimeSpan Elapsed);
}
