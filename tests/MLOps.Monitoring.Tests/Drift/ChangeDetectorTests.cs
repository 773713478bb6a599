using System.Text.Json;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

public class ChangeDetectorTests
{
    private static (double[] Stream, int[] Detections) RiverExample(string detector)
    {
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(TestFiles.Find("Drift/Vectors/river_streams.json")));
        JsonElement example = document.RootElement.GetProperty(detector);
        return (
            [.. example.GetProperty("stream").EnumerateArray().Select(e => e.GetDouble())],
            [.. example.GetProperty("detections").EnumerateArray().Select(e => e.GetInt32())]);
    }

    private static double[] StepChange(int seed, int before, int after, double shift, double sd = 1)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, before + after).Select(i => (i < before ? 0 : shift) + (TestModels.Gaussian(random) * sd))];
    }

    private static List<int> Run(Func<double, bool> update, double[] stream)
    {
        var detections = new List<int>();
        for (int i = 0; i < stream.Length; i++)
        {
            if (update(stream[i]))
            {
                detections.Add(i);
            }
        }

        return detections;
    }

    [Fact]
    public void PageHinkley_RiverDocstringStream_DetectsAtTheIndexRiverDocuments()
    {
        (double[] stream, int[] expected) = RiverExample("page_hinkley");
        var detector = new PageHinkley();

        Assert.Equal(expected, Run(detector.Update, stream));
    }

    [Fact]
    public void Adwin_RiverDocstringStream_DetectsAtTheIndicesRiverDocuments()
    {
        (double[] stream, int[] expected) = RiverExample("adwin");
        var detector = new Adwin();

        Assert.Equal(expected, Run(detector.Update, stream));
        Assert.Equal(expected.Length, detector.DetectionCount);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PageHinkley_StepChangeUpAndDown_DetectedShortlyAfterTheChange(int seed)
    {
        // Page-Hinkley's threshold (50) is in units of the signal times values: noise of sd 0.2 like an error rate.
        List<int> up = Run(new PageHinkley().Update, StepChange(seed, 2000, 1000, shift: 1, sd: 0.2));
        List<int> down = Run(new PageHinkley().Update, StepChange(seed, 2000, 1000, shift: -1, sd: 0.2));

        Assert.NotEmpty(up);
        Assert.InRange(up[0], 2000, 2100);
        Assert.NotEmpty(down);
        Assert.InRange(down[0], 2000, 2100);
        Assert.Empty(Run(new PageHinkley(mode: PageHinkleyMode.Up).Update, StepChange(seed, 2000, 1000, shift: -1, sd: 0.2)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void PageHinkley_StationaryNoise_NotDetected(int seed) =>
        Assert.Empty(Run(new PageHinkley().Update, StepChange(seed, 10_000, 0, shift: 0, sd: 0.2)));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Adwin_StepChange_DetectedAndWindowShrinksToTheNewRegime(int seed)
    {
        var detector = new Adwin();
        List<int> detections = Run(detector.Update, StepChange(seed, 2000, 1000, shift: 2));

        Assert.NotEmpty(detections);
        Assert.InRange(detections[0], 2000, 2200);
        Assert.InRange(detector.Width, 1, 1200);
        Assert.InRange(detector.Estimation, 1.8, 2.2);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Adwin_StationaryNoise_NotDetectedAndWindowGrows(int seed)
    {
        var detector = new Adwin();

        Assert.Empty(Run(detector.Update, StepChange(seed, 10_000, 0, shift: 0)));
        Assert.Equal(10_000, detector.Width);
        Assert.InRange(detector.Estimation, -0.05, 0.05);
    }

    [Fact]
    public void Detectors_NonFiniteValueOrBadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => new PageHinkley().Update(double.NaN));
        Assert.Throws<ArgumentException>(() => new Adwin().Update(double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adwin(delta: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageHinkley(alpha: 1.5));
    }

    [Fact]
    public void Reset_ForgetsEverything()
    {
        var ph = new PageHinkley();
        var adwin = new Adwin();
        foreach (double v in StepChange(4, 100, 100, 5))
        {
            ph.Update(v);
            adwin.Update(v);
        }

        ph.Reset();
        adwin.Reset();

        Assert.Equal(0, ph.Count);
        Assert.False(ph.DriftDetected);
        Assert.Equal(0, adwin.Width);
        Assert.Equal(0, adwin.DetectionCount);
    }
}
