namespace MLOps.Core.Tests.Identity;

public class ModelNameTests
{
    [Theory]
    [InlineData("taxi")]
    [InlineData("taxi-duration")]
    [InlineData("Taxi_Duration.v2")]
    [InlineData("0")]
    [InlineData("a.b-c_d")]
    public void Parse_ValidName_RoundTrips(string name)
    {
        ModelName parsed = ModelName.Parse(name);

        Assert.Equal(name, parsed.Value);
        Assert.Equal(name, parsed.ToString());
        Assert.True(ModelName.IsValid(name));
        Assert.True(ModelName.TryParse(name, out var tried));
        Assert.Equal(parsed, tried);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-taxi")]
    [InlineData(".hidden")]
    [InlineData("_x")]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("taxi@champion")]
    [InlineData("tàxi")]
    [InlineData("has space")]
    [InlineData("/abs")]
    public void Parse_InvalidName_ThrowsArgumentExceptionNamingTheRule(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelName.Parse(name));

        Assert.Equal("name", ex.ParamName);
        Assert.Contains(ModelName.Pattern, ex.Message, StringComparison.Ordinal);
        Assert.False(ModelName.TryParse(name, out _));
    }

    [Fact]
    public void Parse_NameAtMaximumLength_IsValidAndOneMoreIsNot()
    {
        Assert.True(ModelName.IsValid(new string('a', ModelName.MaxLength)));
        Assert.False(ModelName.IsValid(new string('a', ModelName.MaxLength + 1)));
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNullException()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => ModelName.Parse(null!));
        Assert.Equal("name", ex.ParamName);
    }

    [Fact]
    public void Equality_IsOrdinalAndCaseSensitive()
    {
        Assert.Equal(ModelName.Parse("taxi"), ModelName.Parse("taxi"));
        Assert.NotEqual(ModelName.Parse("taxi"), ModelName.Parse("Taxi"));
        Assert.True(ModelName.Parse("a") < ModelName.Parse("b"));
    }
    [Theory]
    [InlineData("taxi")]
    [InlineData("Taxi_Duration.v2")]
    public void Json_IsAPlainString_AndReadsBack(string text)
    {
        ModelName name = ModelName.Parse(text);

        string json = System.Text.Json.JsonSerializer.Serialize(new { ModelName = name, Nullable = (ModelName?)name });

        Assert.Equal($"{{\"ModelName\":\"{text}\",\"Nullable\":\"{text}\"}}", json);
        Assert.Equal(name, System.Text.Json.JsonSerializer.Deserialize<ModelName>($"\"{text}\""));
    }

    [Fact]
    public void Json_DefaultIsTheEmptyString_AndNullReadsAsNoName()
    {
        Assert.Equal("\"\"", System.Text.Json.JsonSerializer.Serialize(default(ModelName)));
        Assert.Equal(default, System.Text.Json.JsonSerializer.Deserialize<ModelName>("\"\""));
        Assert.Null(System.Text.Json.JsonSerializer.Deserialize<ModelName?>("null"));
    }

    [Theory]
    [InlineData("\"-taxi\"")]
    [InlineData("\"taxi/1\"")]
    [InlineData("\"\\ud800\"")]
    [InlineData("3")]
    [InlineData("{\"value\":\"taxi\"}")]
    [InlineData("[\"taxi\"]")]
    public void Json_NotAName_ThrowsJsonException(string json) =>
        Assert.Throws<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<ModelName>(json));
}
