namespace MLOps.Core.Tests.Identity;

public class ModelVersionTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("42", 42)]
    [InlineData("v3", 3)]
    [InlineData("2147483647", int.MaxValue)]
    public void Parse_PositiveInteger_ReturnsVersion(string text, int expected)
    {
        Assert.Equal(expected, ModelVersion.Parse(text).Number);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.0")]
    [InlineData("")]
    [InlineData("v")]
    [InlineData(" 1")]
    [InlineData("2147483648")]
    public void Parse_NotAPositiveInteger_ThrowsArgumentException(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelVersion.Parse(text));
        Assert.Equal("version", ex.ParamName);
    }

    [Fact]
    public void Constructor_LessThanOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelVersion(0));
    }

    [Fact]
    public void ToString_IsInvariantAndCachedForSmallNumbers()
    {
        Assert.Equal("7", new ModelVersion(7).ToString());
        Assert.Same(new ModelVersion(7).ToString(), new ModelVersion(7).ToString());
        Assert.Equal("123456", new ModelVersion(123456).ToString());
    }

    [Fact]
    public void Comparison_OrdersByNumber()
    {
        Assert.True(new ModelVersion(2) > new ModelVersion(1));
        Assert.Equal(new ModelVersion(5), new ModelVersion(5));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(int.MaxValue)]
    public void Json_IsAPlainNumber_AndReadsBack(int number)
    {
        var version = new ModelVersion(number);

        string json = System.Text.Json.JsonSerializer.Serialize(new { ModelVersion = version, Nullable = (ModelVersion?)version });

        Assert.Equal($"{{\"ModelVersion\":{number},\"Nullable\":{number}}}", json);
        Assert.Equal(version, System.Text.Json.JsonSerializer.Deserialize<ModelVersion>(number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Json_TheFormerObjectShape_StillReads()
    {
        Assert.Equal(new ModelVersion(3), System.Text.Json.JsonSerializer.Deserialize<ModelVersion>("""{"number":3}"""));
        Assert.Equal(new ModelVersion(3), System.Text.Json.JsonSerializer.Deserialize<ModelVersion>("""{"Number":3,"other":[1]}"""));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("null", -1)]
    public void Json_DefaultAndNull_ReadAsNoVersion(string json, int expected)
    {
        if (expected < 0)
        {
            Assert.Null(System.Text.Json.JsonSerializer.Deserialize<ModelVersion?>(json));
        }
        else
        {
            Assert.Equal(default, System.Text.Json.JsonSerializer.Deserialize<ModelVersion>(json));
            Assert.Equal("0", System.Text.Json.JsonSerializer.Serialize(default(ModelVersion)));
        }
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("\"3\"")]
    [InlineData("1e400")]
    public void Json_NotAVersion_ThrowsJsonException(string json)
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => System.Text.Json.JsonSerializer.Deserialize<ModelVersion>(json));
    }
}
