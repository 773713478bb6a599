using System.Runtime.CompilerServices;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Monitoring.Quality.Feedback;
using MLOps.Monitoring.Quality;
using MLOps.Monitoring.Quality.Internal;
using MLOps.Monitoring.Tests.Quality.Support;
using Xunit.Abstractions;

namespace MLOps.Monitoring.Tests.Quality;

[CollectionDefinition(nameof(MemoryMeasurementCollection), DisableParallelization = true)]
public sealed class MemoryMeasurementCollection;

/// <summary>
/// Issue 15 item 3: 800 predictions with distinct 1 MB <c>vendor</c> segment values took a server from 235 MB to
/// 1.8 GB, because the store kept each string for its 100,000 slots. What the store keeps per prediction must be
/// bounded in bytes whatever the inputs.
/// </summary>
[Collection(nameof(MemoryMeasurementCollection))]
public class BoundedMemoryTests(ITestOutputHelper output)
{
    private const int Capacity = 100_000;
    private const int MaxLength = QualityMonitoringBuilder<HouseInput, AnyOutput>.DefaultMaxStringLength;

    // A string of n UTF-16 characters on 64-bit: 8 (header) + 8 (method table) + 4 (length) + 2n + 2 (terminator), rounded to 8.
    private static long StringBytes(int length) => ((20L + (2L * length) + 2 + 7) / 8) * 8;

    // The ring slot, plus the id → slot index: one Dictionary entry (hash, next, 16-byte id, int slot = 28, padded to 32) and one bucket (4), sized to a prime ≥ capacity (at most 2× in .NET's prime table; 40 bytes covers it).
    private static long SlotBytes => Unsafe.SizeOf<StoredPrediction>() + 40L;

    [Fact]
    public void Store_FilledWithMaximalDistinctSegments_StaysWithinComputedBound()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).SegmentBy(i => i.Region).StoreCapacity(Capacity));

        // 100 distinct 1 MB values (the probe), then distinct values of the maximum length in every other slot.
        for (int i = 0; i < Capacity; i++)
        {
            string segment = i < 100 ? Distinct(i, 1 << 20) : Distinct(i, MaxLength);
            harness.PredictValue(i, segment);
        }

        long retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        long bound = (Capacity * SlotBytes)
            + (QualityMonitoringBuilder<HouseInput, AnyOutput>.DefaultMaxDistinctSegments * (StringBytes(MaxLength) + 64))
            + (2 << 20);   // the service provider, meter and instruments, and measuring noise
        output.WriteLine($"distinct segments: retained {retained:N0} bytes, bound {bound:N0} (slot {SlotBytes} bytes)");
        Assert.True(retained <= bound, $"retained {retained:N0} bytes, bound {bound:N0} (slot {SlotBytes} bytes)");
        Assert.Equal(Capacity, harness.Tracker.Store.Count);
        Assert.Equal(QualityMonitoringBuilder<HouseInput, AnyOutput>.DefaultMaxDistinctSegments, harness.Tracker.SegmentCountForTest);
        GC.KeepAlive(harness);
    }

    [Fact]
    public void OnPrediction_SegmentTooLongOrBeyondTheDistinctLimit_IsStoredAsOtherAndCounted()
    {
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).SegmentBy(i => i.Region, maxDistinctSegments: 2).MaxStringLength(4));
        using var overflow = new MetricCollector<long>(harness.MeterFactory, MLOpsTelemetry.Name, QualityTelemetry.SegmentOverflow);
        long now = harness.Time.GetUtcNow().UtcTicks;

        PredictionId[] ids = [.. new[] { "a", "b", "c", "a", "toolong", null }.Select(s => harness.PredictValue(1, s))];

        string?[] stored = [.. ids.Select(id => { harness.Tracker.Store.TryGet(id, now, out StoredPrediction p); return p.Segment; })];
        Assert.Equal(new string?[] { "a", "b", SegmentQuality.OtherSegments, "a", SegmentQuality.OtherSegments, null }, stored);
        Assert.Equal(
            [("segment_limit", "m"), ("too_long", "m")],
            overflow.GetMeasurementSnapshot().Select(m => ((string)m.Tags[QualityTelemetry.ReasonTag]!, (string)m.Tags[MLOpsTelemetry.Tags.ModelName]!)).ToArray());
    }

    [Fact]
    public void Store_FilledWithMaximalDistinctClasses_StaysWithinComputedBound()
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        using var harness = new QualityHarness(q => q.MulticlassClassification(o => o.Class).SegmentBy(i => i.Region).StoreCapacity(Capacity));

        for (int i = 0; i < Capacity; i++)
        {
            harness.Predict(new AnyOutput { Class = Distinct(i, MaxLength) }, Distinct(-i - 1, MaxLength));
        }

        long retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        long strings = (QualityMonitoringBuilder<HouseInput, AnyOutput>.DefaultMaxDistinctSegments + QualityMonitoringBuilder<HouseInput, AnyOutput>.DefaultMaxClasses)
            * (StringBytes(MaxLength) + 64);
        long bound = (Capacity * SlotBytes) + strings + (2 << 20);
        output.WriteLine($"distinct classes and segments: retained {retained:N0} bytes, bound {bound:N0}");
        Assert.True(retained <= bound, $"retained {retained:N0} bytes, bound {bound:N0}");
        GC.KeepAlive(harness);
    }

    [Fact]
    public void OnPrediction_KnownSegmentAndClass_AllocatesNothing()
    {
        using var harness = new QualityHarness(q => q.MulticlassClassification(o => o.Class).SegmentBy(i => i.Region).StoreCapacity(1000));
        var output = new AnyOutput { Class = "a" };
        string segment = Distinct(1, 10);
        for (int i = 0; i < 2000; i++)
        {
            harness.Predict(output, segment);
        }

        string sameSegment = new(segment.AsSpan());   // another instance of a known value: the kept one is stored
        var probe = new StoredPrediction { Id = PredictionId.NewId(), Version = 1, Variant = "primary", Segment = sameSegment, Label = new string('a', 1), Value = double.NaN, Score = double.NaN };
        long before = GC.GetAllocatedBytesForCurrentThread();
        harness.Tracker.Admit(ref probe);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(PredictionRefusal.None, probe.Refusal);
        Assert.NotSame(sameSegment, probe.Segment);
        Assert.Equal(segment, probe.Segment);
    }

    [Fact]
    public void RecordAsync_PredictionFromTheLogWithHugeStringsAndValue_IsBoundedAndRefused()
    {
        var log = new OneRecordLog();
        using var harness = new QualityHarness(q => q.Regression(o => o.Value).SegmentBy(i => i.Region), log);
        log.Record = new PredictionRecord(PredictionId.NewId(), ModelName.Parse("m"), new ModelVersion(1), "primary", harness.Time.GetUtcNow(), 1e308, double.NaN, null, new string('v', 1 << 20));

        FeedbackResult result = harness.Feedback(log.Record.Value.PredictionId, 10.0);

        Assert.Equal(FeedbackOutcome.Invalid, result.Outcome);
        Assert.Contains("accepted range", result.Reason, StringComparison.Ordinal);
        Assert.Equal(StoreLookup.Live, harness.Tracker.Store.TryGet(log.Record.Value.PredictionId, harness.Time.GetUtcNow().UtcTicks, out StoredPrediction stored));
        Assert.Equal(SegmentQuality.OtherSegments, stored.Segment);
    }

    private static string Distinct(int i, int length) =>
        string.Create(length, i, static (span, n) =>
        {
            span.Fill('x');
            n.TryFormat(span, out _, provider: System.Globalization.CultureInfo.InvariantCulture);
        });

    private sealed class OneRecordLog : IPredictionLog
    {
        public PredictionRecord? Record { get; set; }

        public ValueTask AppendAsync(IReadOnlyList<PredictionRecord> records, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask<PredictionRecord?> FindAsync(PredictionId predictionId, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Record is { } r && r.PredictionId == predictionId ? Record : null);
    }
}
