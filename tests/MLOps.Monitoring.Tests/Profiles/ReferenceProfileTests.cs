using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Tests.Support;

namespace MLOps.Monitoring.Tests.Profiles;

public class ReferenceProfileTests
{
    private sealed class Row
    {
        public double Amount { get; set; }

        public int? Count { get; set; }

        public bool Flag { get; set; }

        public string? Color { get; set; }

        public Shape Shape { get; set; }

        [DriftFeature(FeatureRole.Ignore)]
        public double Label { get; set; }

        [DriftFeature(FeatureRole.Text)]
        public string? Comment { get; set; }

        [DriftFeature(FeatureRole.Categorical)]
        public int ZipCode;

        public DateTime When { get; set; }

        [ColumnName("renamed")]
        public float Original { get; set; }
    }

    private enum Shape
    {
        Circle,
        Square,
    }

    private static List<Row> Rows(int n, int seed = 3)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(i => new Row
        {
            Amount = i % 50 == 0 ? double.NaN : i,
            Count = i % 10 == 0 ? null : i % 7,
            Flag = i % 4 == 0,
            Color = i % 20 == 0 ? null : (i % 3) switch { 0 => "red", 1 => "green", _ => "blue" },
            Shape = i % 2 == 0 ? Shape.Circle : Shape.Square,
            Label = random.NextDouble(),
            Comment = "free text " + i,
            ZipCode = 1000 + (i % 5),
            Original = i,
        })];
    }

    [Fact]
    public void Create_FromObjects_SelectsFeaturesByTypeAttributeAndColumnName()
    {
        ReferenceProfile profile = ReferenceProfile.Create(Rows(100));

        Assert.Equal(
            ["Amount:Numeric", "Count:Numeric", "Flag:Boolean", "Color:Categorical", "Shape:Categorical", "renamed:Numeric", "ZipCode:Categorical"],
            profile.Features.Select(f => $"{f.Name}:{f.Kind}"));
        Assert.Equal(100, profile.RowCount);
        Assert.Equal(ReferenceProfile.CurrentSchemaVersion, profile.SchemaVersion);
    }

    [Fact]
    public void Create_FromObjects_ComputesCountsMomentsBinsAndCategories()
    {
        List<Row> rows = Rows(100);
        ReferenceProfile profile = ReferenceProfile.Create(rows);

        FeatureProfile amount = profile.Find("Amount")!;
        double[] values = [.. rows.Select(r => r.Amount).Where(v => !double.IsNaN(v))];
        Assert.Equal(98, amount.Count);
        Assert.Equal(2, amount.MissingCount);
        Assert.Equal(values.Min(), amount.Min);
        Assert.Equal(values.Max(), amount.Max);
        Assert.Equal(values.Average(), amount.Mean, 10);
        double variance = values.Sum(v => (v - values.Average()) * (v - values.Average())) / (values.Length - 1);
        Assert.Equal(Math.Sqrt(variance), amount.StandardDeviation, 10);
        Assert.Equal(11, amount.BinEdges.Count);
        Assert.Equal(double.NegativeInfinity, amount.BinEdges[0]);
        Assert.Equal(double.PositiveInfinity, amount.BinEdges[^1]);
        Assert.Equal(98, amount.BinCounts.Sum());
        Assert.All(amount.BinCounts, c => Assert.InRange(c, 9, 11));
        Assert.Null(amount.DistinctValues);
        Assert.Equal(98, amount.Sample.Count);

        FeatureProfile count = profile.Find("Count")!;
        Assert.Equal(10, count.MissingCount);
        Assert.Equal([0.0, 1, 2, 3, 4, 5, 6], count.DistinctValues);
        Assert.Equal(90, count.DistinctCounts!.Sum());

        FeatureProfile flag = profile.Find("Flag")!;
        Assert.Equal(25, flag.Categories[bool.TrueString]);
        Assert.Equal(75, flag.Categories[bool.FalseString]);
        Assert.Equal(0.25, flag.Mean, 10);

        FeatureProfile color = profile.Find("Color")!;
        Assert.Equal(5, color.MissingCount);
        Assert.Equal(95, color.Categories.Values.Sum());
        Assert.Equal(["blue", "green", "red"], color.Categories.Keys.Order(StringComparer.Ordinal));

        Assert.Equal(50, profile.Find("Shape")!.Categories["Square"]);
        Assert.Equal(20, profile.Find("ZipCode")!.Categories["1003"]);
        Assert.Null(profile.Find("Label"));
        Assert.Null(profile.Find("Comment"));
        Assert.Null(profile.Find("When"));
        Assert.NotNull(profile.Find("renamed"));
    }

    [Fact]
    public void Create_RolesOption_OverridesAttributesAndTypes()
    {
        var options = new ProfileOptions();
        options.Roles["Label"] = FeatureRole.Numeric;
        options.Roles["Count"] = FeatureRole.Categorical;
        options.Roles["Color"] = FeatureRole.Text;

        ReferenceProfile profile = ReferenceProfile.Create(Rows(40), options);

        Assert.Equal(FeatureKind.Numeric, profile.Find("Label")!.Kind);
        Assert.Equal(FeatureKind.Categorical, profile.Find("Count")!.Kind);
        Assert.Equal(4, profile.Find("Count")!.MissingCount);
        Assert.Null(profile.Find("Color"));
    }

    [Fact]
    public void Create_IncludeOption_ProfilesOnlyThoseFeatures()
    {
        var options = new ProfileOptions();
        options.Include.Add("Amount");
        options.Include.Add("Shape");

        ReferenceProfile profile = ReferenceProfile.Create(Rows(40), options);

        Assert.Equal(["Amount", "Shape"], profile.Features.Select(f => f.Name));
    }

    [Fact]
    public void Create_MoreCategoriesThanTheBound_CountsTheRareOnesAsOther()
    {
        string?[] values = [.. Enumerable.Range(0, 1000).Select(i => "c" + (i % 10 < 5 ? i % 10 : 5 + (i % 200)))];
        ReferenceProfile profile = ReferenceProfile.FromColumns([], [new("City", values)], new ProfileOptions { MaxCategories = 5 });

        FeatureProfile city = profile.Find("City")!;
        Assert.Equal(5, city.Categories.Count);
        Assert.Equal(1000, city.Categories.Values.Sum() + city.OtherCount);
        Assert.All(city.Categories.Keys, k => Assert.Contains(k, new[] { "c0", "c1", "c2", "c3", "c4" }));
        Assert.Null(city.DistinctCount);
    }

    [Fact]
    public void Create_Sample_IsBoundedUniformAndReproducible()
    {
        double[] values = [.. Enumerable.Range(0, 20_000).Select(i => (double)i)];
        var options = new ProfileOptions { SampleSize = 1000, Seed = 5 };

        FeatureProfile a = ReferenceProfile.FromColumns([new("x", values)], options: options).Features[0];
        FeatureProfile b = ReferenceProfile.FromColumns([new("x", values)], options: options).Features[0];
        FeatureProfile c = ReferenceProfile.FromColumns([new("x", values)], options: new ProfileOptions { SampleSize = 1000, Seed = 6 }).Features[0];

        Assert.Equal(1000, a.Sample.Count);
        Assert.Equal(a.Sample, b.Sample);
        Assert.NotEqual(a.Sample, c.Sample);
        Assert.Equal(1000, a.Sample.Distinct().Count());
        Assert.InRange(a.Sample.Average(), 10_000 - 600, 10_000 + 600);   // mean of a uniform sample: sd ≈ 183
        Assert.InRange(a.Sample.Count(v => v < 10_000), 400, 600);
    }

    [Fact]
    public void Create_FromDataView_MatchesTheProfileOfTheSameObjects()
    {
        HouseInput[] houses = TestModels.Houses(500, seed: 9);
        var ml = new MLContext();
        var options = new ProfileOptions();
        options.Roles[nameof(HouseInput.Price)] = FeatureRole.Ignore;

        ReferenceProfile fromView = ReferenceProfile.Create(ml.Data.LoadFromEnumerable(houses), options);
        ReferenceProfile fromObjects = ReferenceProfile.Create(houses);

        Assert.True(fromView.HasSameSchema(fromObjects));
        Assert.Equal(fromObjects.ToJson(), fromView.ToJson());
    }

    [Fact]
    public void Create_FromColumnsOfDifferentLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => ReferenceProfile.FromColumns([new("a", [1.0, 2]), new("b", [1.0])]));
        Assert.Throws<ArgumentException>(() => ReferenceProfile.FromColumns(Array.Empty<KeyValuePair<string, double[]>>()));
    }

    [Fact]
    public void Create_InvalidOptions_ThrowArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceProfile.Create(Rows(10), new ProfileOptions { BinCount = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ReferenceProfile.Create(Rows(10), new ProfileOptions { SampleSize = 0 }));
    }

    [Fact]
    public void ToJson_RoundTrips_WithSchemaVersionAndInfiniteEdges()
    {
        ReferenceProfile profile = ReferenceProfile.Create(Rows(200));

        string json = profile.ToJson();
        ReferenceProfile read = ReferenceProfile.FromJson(json);

        Assert.Equal(json, read.ToJson());
        using JsonDocument document = JsonDocument.Parse(json);
        Assert.Equal(1, document.RootElement.GetProperty("schemaVersion").GetInt32());
        JsonElement amount = document.RootElement.GetProperty("features").EnumerateArray().First(f => f.GetProperty("name").GetString() == "Amount");
        Assert.Equal("-Infinity", amount.GetProperty("binEdges")[0].GetString());
        Assert.Equal("numeric", amount.GetProperty("kind").GetString());
        Assert.Equal(profile.Find("Color")!.Categories, read.Find("Color")!.Categories);
    }

    [Fact]
    public void FromJson_NewerSchemaVersion_ThrowsNotSupportedNamingBothVersions()
    {
        string json = ReferenceProfile.Create(Rows(20)).ToJson().Replace("\"schemaVersion\":1", "\"schemaVersion\":7", StringComparison.Ordinal);

        var ex = Assert.Throws<NotSupportedException>(() => ReferenceProfile.FromJson(json));
        Assert.Contains("schema version 7", ex.Message, StringComparison.Ordinal);
        Assert.Contains("up to 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"schemaVersion\":\"1\"}")]
    [InlineData("[1,2]")]
    [InlineData("{\"schemaVersion\":1,\"features\":[{\"name\":\"x\",\"kind\":\"numeric\",\"binEdges\":[1],\"binCounts\":[]}]}")]
    [InlineData("{\"schemaVersion\":1,\"features\":[{\"name\":\"x\",\"kind\":\"numeric\",\"binEdges\":[0,1,2],\"binCounts\":[1,1]}]}")]
    [InlineData("{\"schemaVersion\":1,\"features\":[{\"name\":\"x\",\"kind\":\"numeric\",\"binEdges\":[\"-Infinity\",\"Infinity\"],\"binCounts\":[2],\"distinctValues\":[2,1],\"distinctCounts\":[1,1]}]}")]
    [InlineData("{\"schemaVersion\":1,\"features\":[{\"name\":\"x\",\"kind\":\"numeric\",\"binEdges\":[\"-Infinity\",2,1,\"Infinity\"],\"binCounts\":[1,1,1]}]}")]
    public void FromJson_NotAProfile_ThrowsJsonException(string json) =>
        Assert.ThrowsAny<JsonException>(() => ReferenceProfile.FromJson(json));

    [Fact]
    public void FromJson_MinimalNumericFeatureWithDistinctValues_Reads()
    {
        ReferenceProfile profile = ReferenceProfile.FromJson(
            "{\"schemaVersion\":1,\"features\":[{\"name\":\"x\",\"kind\":\"numeric\",\"binEdges\":[\"-Infinity\",\"Infinity\"],\"binCounts\":[2],\"distinctValues\":[1,2],\"distinctCounts\":[1,1]}]}");

        Assert.Equal([1.0, 2.0], profile.Features[0].DistinctValues);
    }

    [Fact]
    public async Task SaveAsync_ThenLoadAsync_ReadsTheSameProfile()
    {
        ReferenceProfile profile = ReferenceProfile.Create(Rows(50));
        string path = Path.Combine(Path.GetTempPath(), "mlops-profile-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            await profile.SaveAsync(path);
            ReferenceProfile read = await ReferenceProfile.LoadAsync(path);
            Assert.Equal(profile.ToJson(), read.ToJson());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Merge_TwoHalves_GivesTheWholeCountsMomentsAndCategories()
    {
        List<Row> rows = Rows(400);
        ReferenceProfile whole = ReferenceProfile.Create(rows);
        ReferenceProfile merged = ReferenceProfile.Create(rows.Take(150)).Merge(ReferenceProfile.Create(rows.Skip(150)));

        Assert.Equal(whole.RowCount, merged.RowCount);
        foreach (FeatureProfile expected in whole.Features)
        {
            FeatureProfile actual = merged.Find(expected.Name)!;
            Assert.Equal(expected.Count, actual.Count);
            Assert.Equal(expected.MissingCount, actual.MissingCount);
            Assert.Equal(expected.Min, actual.Min);
            Assert.Equal(expected.Max, actual.Max);
            Assert.Equal(expected.Mean, actual.Mean, 9);
            Assert.Equal(expected.StandardDeviation, actual.StandardDeviation, 9);
            Assert.Equal(expected.Categories.OrderBy(kv => kv.Key), actual.Categories.OrderBy(kv => kv.Key));
            Assert.Equal(expected.DistinctCounts, actual.DistinctCounts);
            if (expected.Kind == FeatureKind.Numeric)
            {
                Assert.Equal(expected.Count, actual.BinCounts.Sum());
                Assert.Equal(expected.Count, actual.Sample.Count);
            }
        }
    }

    [Fact]
    public void Merge_SameEdges_AddsBinCountsExactly()
    {
        ReferenceProfile a = ReferenceProfile.Create(Rows(100));
        ReferenceProfile merged = a.Merge(a);

        Assert.Equal(a.Find("Amount")!.BinCounts.Select(c => 2 * c), merged.Find("Amount")!.BinCounts);
        Assert.Equal(a.Find("Amount")!.BinEdges, merged.Find("Amount")!.BinEdges);
    }

    [Fact]
    public void Merge_OtherSchema_ThrowsArgumentException()
    {
        ReferenceProfile a = ReferenceProfile.Create(Rows(20));
        ReferenceProfile b = ReferenceProfile.Create(TestModels.Houses(20, seed: 1));

        var ex = Assert.Throws<ArgumentException>(() => a.Merge(b));
        Assert.Equal("other", ex.ParamName);
    }
}
