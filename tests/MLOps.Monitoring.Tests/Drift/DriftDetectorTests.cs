using Microsoft.Extensions.Time.Testing;
using Microsoft.ML;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Drift;

public class DriftDetectorTests
{
    private const int Trials = 200;

    private static readonly string[] Colors = ["red", "green", "blue", "yellow"];

    private static ReferenceProfile Numeric(int rows, int seed, double mean = 0, double sd = 1) =>
        ReferenceProfile.FromColumns([new("x", Synthetic.Normal(rows, seed, mean, sd))]);

    private static DriftReport CompareNumeric(ReferenceProfile reference, int rows, int seed, double mean = 0, double sd = 1, DriftOptions? options = null) =>
        DriftDetector.CompareColumns(reference, [new("x", Synthetic.Normal(rows, seed, mean, sd))], options: options);

    [Fact]
    public void Compare_WithTimeProvider_StampsCreatedAtFromIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 5, 4, 3, 2, 1, TimeSpan.Zero));
        ReferenceProfile reference = Numeric(200, seed: 1);

        // Regression: Compare read DateTimeOffset.UtcNow, so a report's time could not be controlled in tests.
        Assert.Equal(time.GetUtcNow(), DriftDetector.Compare(reference, reference, timeProvider: time).CreatedAt);
        Assert.Equal(time.GetUtcNow(), DriftDetector.CompareColumns(reference, [new("x", Synthetic.Normal(50, 2))], timeProvider: time).CreatedAt);
    }

    [Fact]
    public void Compare_NoDriftKolmogorovSmirnov_FalsePositivesWithinTheBinomialBoundOfAlpha()
    {
        int falsePositives = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            DriftReport report = CompareNumeric(Numeric(500, seed: 1000 + trial), 500, seed: 5000 + trial);
            Assert.Equal(DriftMethod.KolmogorovSmirnov, report.Features[0].Method);
            falsePositives += report.Features[0].Drifted ? 1 : 0;
        }

        // At α = 0.05 the count is Binomial(200, 0.05): mean 10; a fair test exceeds the bound with probability < 1e-4.
        Assert.InRange(falsePositives, 1, Binomial.UpperBound(Trials, DriftOptions.DefaultPValueThreshold));
    }

    [Fact]
    public void Compare_NoDriftChiSquare_FalsePositivesWithinTheBinomialBoundOfAlpha()
    {
        int falsePositives = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            ReferenceProfile reference = ReferenceProfile.FromColumns([], [new("color", Synthetic.Categories(500, 1000 + trial, Colors))]);
            DriftReport report = DriftDetector.CompareColumns(reference, [], [new("color", Synthetic.Categories(500, 5000 + trial, Colors))]);
            Assert.Equal(DriftMethod.ChiSquare, report.Features[0].Method);
            falsePositives += report.Features[0].Drifted ? 1 : 0;
        }

        Assert.InRange(falsePositives, 1, Binomial.UpperBound(Trials, DriftOptions.DefaultPValueThreshold));
    }

    [Fact]
    public void Compare_NoDriftTenFeaturesWithBonferroni_FamilyWiseFalsePositivesWithinTheBound()
    {
        int corrected = 0, uncorrected = 0;
        for (int trial = 0; trial < Trials; trial++)
        {
            KeyValuePair<string, double[]>[] reference = [.. Enumerable.Range(0, 10).Select(f => new KeyValuePair<string, double[]>("f" + f, Synthetic.Normal(300, (trial * 100) + f)))];
            KeyValuePair<string, double[]>[] current = [.. Enumerable.Range(0, 10).Select(f => new KeyValuePair<string, double[]>("f" + f, Synthetic.Normal(300, 1_000_000 + (trial * 100) + f)))];
            ReferenceProfile profile = ReferenceProfile.FromColumns(reference);

            DriftReport withCorrection = DriftDetector.CompareColumns(profile, current, options: new DriftOptions { Correction = MultipleTestingCorrection.Bonferroni });
            DriftReport without = DriftDetector.CompareColumns(profile, current);

            corrected += withCorrection.DriftedFeatures > 0 ? 1 : 0;
            uncorrected += without.DriftedFeatures > 0 ? 1 : 0;
            Assert.Equal(MultipleTestingCorrection.Bonferroni, withCorrection.Correction);
            Assert.All(withCorrection.Features, f => Assert.Equal(Math.Min(1, f.PValue!.Value * 10), f.AdjustedPValue!.Value, 12));
        }

        int bound = Binomial.UpperBound(Trials, 0.05);
        Assert.InRange(corrected, 0, bound);
        Assert.True(uncorrected > bound, $"Without correction, 1 − 0.95^10 ≈ 40% of trials have a false positive; got {uncorrected}.");
    }

    [Fact]
    public void Compare_NoDriftLargeReferenceWasserstein_NotFlagged()
    {
        int falsePositives = 0;
        for (int trial = 0; trial < 50; trial++)
        {
            DriftReport report = CompareNumeric(Numeric(5000, seed: 1000 + trial), 1000, seed: 5000 + trial);
            Assert.Equal(DriftMethod.Wasserstein, report.Features[0].Method);
            Assert.InRange(report.Features[0].Score, 0, 0.1);
            falsePositives += report.Features[0].Drifted ? 1 : 0;
        }

        Assert.Equal(0, falsePositives);
    }

    [Theory]
    [InlineData(500, DriftMethod.KolmogorovSmirnov)]
    [InlineData(5000, DriftMethod.Wasserstein)]
    public void Compare_ShiftedMean_Flagged(int referenceRows, DriftMethod expected)
    {
        DriftReport report = CompareNumeric(Numeric(referenceRows, seed: 1), 500, seed: 2, mean: 0.5);

        FeatureDriftResult x = report.Features[0];
        Assert.Equal(expected, x.Method);
        Assert.True(x.Drifted);
        Assert.True(report.DatasetDrift);
        Assert.Equal(1.0, report.DriftShare);
    }

    [Theory]
    [InlineData(500, DriftMethod.KolmogorovSmirnov)]
    [InlineData(5000, DriftMethod.Wasserstein)]
    public void Compare_ChangedVariance_Flagged(int referenceRows, DriftMethod expected)
    {
        DriftReport report = CompareNumeric(Numeric(referenceRows, seed: 1), 500, seed: 2, sd: 2);

        Assert.Equal(expected, report.Features[0].Method);
        Assert.True(report.Features[0].Drifted);
    }

    [Theory]
    [InlineData(500, DriftMethod.ChiSquare)]
    [InlineData(5000, DriftMethod.JensenShannon)]
    public void Compare_NewCategory_FlaggedAndCountedAsUnseen(int referenceRows, DriftMethod expected)
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([], [new("color", Synthetic.Categories(referenceRows, 1, Colors))]);
        string?[] current = Synthetic.Categories(500, 2, [.. Colors, "purple"], [1, 1, 1, 1, 2]);

        DriftReport report = DriftDetector.CompareColumns(reference, [], [new("color", current)]);

        Assert.Equal(expected, report.Features[0].Method);
        Assert.True(report.Features[0].Drifted);
        var quality = report.DataQuality.Features[0];
        Assert.Equal(current.Count(c => c == "purple"), quality.UnseenCategoryCount);
        Assert.InRange(quality.UnseenCategoryRatio, 0.25, 0.42);
    }

    [Fact]
    public void Compare_CategoryShareChange_FlaggedNoChangeNot()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([], [new("color", Synthetic.Categories(800, 1, Colors))]);

        DriftReport changed = DriftDetector.CompareColumns(reference, [], [new("color", Synthetic.Categories(800, 2, Colors, [4, 1, 1, 1]))]);
        DriftReport same = DriftDetector.CompareColumns(reference, [], [new("color", Synthetic.Categories(800, 3, Colors))]);

        Assert.True(changed.Features[0].Drifted);
        Assert.False(same.Features[0].Drifted);
    }

    [Fact]
    public void Compare_BinaryFeature_UsesTheZTestOnTheTrueShare()
    {
        var rowsBefore = Synthetic.Booleans(600, 1, 0.25).Select(v => new Flagged { Active = v == 1 }).ToList();
        ReferenceProfile reference = ReferenceProfile.Create(rowsBefore);

        DriftReport changed = DriftDetector.Compare(reference, Synthetic.Booleans(600, 2, 0.5).Select(v => new Flagged { Active = v == 1 }));
        DriftReport same = DriftDetector.Compare(reference, Synthetic.Booleans(600, 3, 0.25).Select(v => new Flagged { Active = v == 1 }));

        Assert.Equal(DriftMethod.ZTest, changed.Features[0].Method);
        Assert.True(changed.Features[0].Drifted);
        Assert.True(changed.Features[0].Statistic > 0);   // the current True share is higher
        Assert.False(same.Features[0].Drifted);
    }

    [Fact]
    public void Auto_PicksTheDocumentedMethodPerKindAndReferenceSize()
    {
        static Dictionary<string, DriftMethod> Methods(int rows)
        {
            ReferenceProfile profile = ReferenceProfile.FromColumns(
                [
                    new("continuous", Synthetic.Normal(rows, 1)),
                    new("three", Synthetic.Discrete(rows, 2, [1, 2, 3])),
                    new("two", Synthetic.Discrete(rows, 3, [0, 1])),
                ],
                [
                    new("color", Synthetic.Categories(rows, 4, Colors)),
                    new("yesno", Synthetic.Categories(rows, 5, ["yes", "no"])),
                ]);
            DriftReport report = DriftDetector.Compare(profile, profile);
            return report.Features.ToDictionary(f => f.Feature, f => f.Method);
        }

        Assert.Equal(
            new Dictionary<string, DriftMethod>
            {
                ["continuous"] = DriftMethod.KolmogorovSmirnov,
                ["three"] = DriftMethod.ChiSquare,
                ["two"] = DriftMethod.ZTest,
                ["color"] = DriftMethod.ChiSquare,
                ["yesno"] = DriftMethod.ZTest,
            },
            Methods(1000));
        Assert.Equal(
            new Dictionary<string, DriftMethod>
            {
                ["continuous"] = DriftMethod.Wasserstein,
                ["three"] = DriftMethod.JensenShannon,
                ["two"] = DriftMethod.JensenShannon,
                ["color"] = DriftMethod.JensenShannon,
                ["yesno"] = DriftMethod.JensenShannon,
            },
            Methods(1001));
    }

    [Fact]
    public void Compare_DiscreteNumeric_ComparesValueShares()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([new("rooms", Synthetic.Discrete(500, 1, [1, 2, 3]))]);

        DriftReport moved = DriftDetector.CompareColumns(reference, [new("rooms", Synthetic.Discrete(500, 2, [1, 2, 3, 3, 3]))]);
        DriftReport newValue = DriftDetector.CompareColumns(reference, [new("rooms", Synthetic.Discrete(500, 3, [1, 2, 3, 4]))]);
        DriftReport same = DriftDetector.CompareColumns(reference, [new("rooms", Synthetic.Discrete(500, 4, [1, 2, 3]))]);

        Assert.True(moved.Features[0].Drifted);
        Assert.True(newValue.Features[0].Drifted);
        Assert.True(newValue.Features[0].PValue < 1e-10);
        Assert.False(same.Features[0].Drifted);
    }

    [Fact]
    public void Compare_ExplicitPsiHellingerAndThresholdOverride_AreApplied()
    {
        ReferenceProfile reference = Numeric(2000, seed: 1);
        var options = new DriftOptions();
        options.Methods["x"] = DriftMethod.PopulationStabilityIndex;
        DriftReport psi = CompareNumeric(reference, 2000, seed: 2, mean: 0.5, options: options);

        Assert.Equal(DriftMethod.PopulationStabilityIndex, psi.Features[0].Method);
        Assert.Equal(DriftOptions.DefaultPsiThreshold, psi.Features[0].Threshold);
        Assert.Null(psi.Features[0].PValue);
        Assert.True(psi.Features[0].Drifted);

        options.Thresholds["x"] = 0.25;
        DriftReport lenient = CompareNumeric(reference, 2000, seed: 2, mean: 0.5, options: options);
        Assert.Equal(0.25, lenient.Features[0].Threshold);
        Assert.Equal(psi.Features[0].Score, lenient.Features[0].Score);
        Assert.Equal(lenient.Features[0].Score >= 0.25, lenient.Features[0].Drifted);

        options.Methods["x"] = DriftMethod.Hellinger;
        options.Thresholds.Clear();
        DriftReport hellinger = CompareNumeric(reference, 2000, seed: 2, mean: 1, options: options);
        Assert.Equal(DriftMethod.Hellinger, hellinger.Features[0].Method);
        Assert.InRange(hellinger.Features[0].Score, 0.1, 1);
        Assert.True(hellinger.Features[0].Drifted);
    }

    [Fact]
    public void Compare_DatasetDrift_IsTheShareOfDriftedFeaturesAgainstTheThreshold()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns(
            [.. Enumerable.Range(0, 4).Select(f => new KeyValuePair<string, double[]>("f" + f, Synthetic.Normal(500, f)))]);
        KeyValuePair<string, double[]>[] current =
            [.. Enumerable.Range(0, 4).Select(f => new KeyValuePair<string, double[]>("f" + f, Synthetic.Normal(500, 100 + f, mean: f < 2 ? 1 : 0)))];

        DriftReport report = DriftDetector.CompareColumns(reference, current);
        DriftReport strict = DriftDetector.CompareColumns(reference, current, options: new DriftOptions { DriftShareThreshold = 0.75 });

        Assert.Equal(["f0", "f1"], report.Features.Where(f => f.Drifted).Select(f => f.Feature));
        Assert.Equal(0.5, report.DriftShare);
        Assert.True(report.DatasetDrift);
        Assert.False(strict.DatasetDrift);
        Assert.Equal(4, report.EvaluatedFeatures);
    }

    [Fact]
    public void Compare_BenjaminiHochberg_AdjustsPValuesUpward()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns(
            [.. Enumerable.Range(0, 5).Select(f => new KeyValuePair<string, double[]>("f" + f, Synthetic.Normal(400, f)))]);
        KeyValuePair<string, double[]>[] current =
            [.. Enumerable.Range(0, 5).Select(f => new KeyValuePair<string, double[]>("f" + f, Synthetic.Normal(400, 50 + f, mean: f == 0 ? 0.5 : 0)))];

        DriftReport report = DriftDetector.CompareColumns(reference, current, options: new DriftOptions { Correction = MultipleTestingCorrection.BenjaminiHochberg });

        Assert.All(report.Features, f => Assert.True(f.AdjustedPValue >= f.PValue));
        Assert.All(report.Features, f => Assert.Equal(f.AdjustedPValue!.Value < f.Threshold, f.Drifted));
        Assert.True(report.Find("f0")!.Drifted);
    }

    [Fact]
    public void Compare_ObjectsDataViewAndProfile_AgreeForTheSameData()
    {
        HouseInput[] train = TestModels.Houses(800, seed: 1);
        HouseInput[] shifted = TestModels.Houses(800, seed: 2, sizeShift: 15, newDistrict: "harbour");
        ReferenceProfile reference = ReferenceProfile.Create(train);
        var ml = new MLContext();
        var options = new ProfileOptions { SampleSize = 5000 };
        options.Roles[nameof(HouseInput.Price)] = FeatureRole.Ignore;

        DriftReport fromObjects = DriftDetector.Compare(reference, shifted);
        DriftReport fromView = DriftDetector.Compare(reference, ml.Data.LoadFromEnumerable(shifted));
        DriftReport fromProfile = DriftDetector.Compare(reference, ReferenceProfile.Create(shifted, options));

        foreach (DriftReport report in new[] { fromObjects, fromView, fromProfile })
        {
            Assert.Equal(["Size", "Rooms", "District"], report.Features.Select(f => f.Feature));
            Assert.True(report.Find("Size")!.Drifted);
            Assert.False(report.Find("Rooms")!.Drifted);
            Assert.True(report.Find("District")!.Drifted);
            Assert.Equal(800, report.CurrentRows);
        }

        Assert.Equal(fromObjects.Find("Size")!.Statistic, fromView.Find("Size")!.Statistic);
        Assert.Equal(fromObjects.Find("Size")!.Statistic, fromProfile.Find("Size")!.Statistic);
        Assert.Equal(fromObjects.Find("District")!.Statistic, fromView.Find("District")!.Statistic);
        Assert.Equal(["Price"], fromView.DataQuality.UnexpectedFeatures);
        Assert.Empty(fromObjects.DataQuality.UnexpectedFeatures);   // Price is ignored by attribute on the type
    }

    [Fact]
    public void Compare_MethodThatDoesNotFitTheFeature_ThrowsArgumentException()
    {
        ReferenceProfile reference = ReferenceProfile.FromColumns([], [new("color", Synthetic.Categories(100, 1, Colors))]);
        var ks = new DriftOptions();
        ks.Methods["color"] = DriftMethod.KolmogorovSmirnov;
        var z = new DriftOptions { DefaultMethod = DriftMethod.ZTest };

        Assert.Throws<ArgumentException>(() => DriftDetector.Compare(reference, reference, ks));
        Assert.Throws<ArgumentException>(() => DriftDetector.Compare(reference, reference, z));
        Assert.Throws<ArgumentOutOfRangeException>(() => DriftDetector.Compare(reference, reference, new DriftOptions { PValueThreshold = 1 }));
    }

    [Fact]
    public void Report_ToJson_RoundTrips()
    {
        DriftReport report = CompareNumeric(Numeric(300, 1), 300, 2, mean: 1);

        string json = report.ToJson();
        DriftReport read = DriftReport.FromJson(json);

        Assert.Equal(json, read.ToJson());
        Assert.Contains("\"method\":\"kolmogorovSmirnov\"", json, StringComparison.Ordinal);
        Assert.Contains("\"datasetDrift\":true", json, StringComparison.Ordinal);
        Assert.Equal(report.Features[0].PValue, read.Features[0].PValue);
    }

    private sealed class Flagged
    {
        public bool Active { get; set; }
    }
}
