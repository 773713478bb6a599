namespace MLOps.Core.Tests.Identity;

public class ModelAliasTests
{
    [Theory]
    [InlineData("champion")]
    [InlineData("challenger")]
    [InlineData("canary-2")]
    [InlineData("prod_eu")]
    [InlineData("version")]
    [InlineData("v1beta")]
    public void Parse_ValidAlias_RoundTrips(string alias)
    {
        Assert.Equal(alias, ModelAlias.Parse(alias).Value);
        Assert.True(ModelAlias.IsValid(alias));
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("LATEST")]
    [InlineData("v1")]
    [InlineData("V42")]
    public void Parse_ReservedAlias_ThrowsExplainingTheReservation(string alias)
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelAlias.Parse(alias));

        Assert.Equal("alias", ex.ParamName);
        Assert.Contains("reserved", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("a.b")]
    [InlineData("../x")]
    [InlineData("a@b")]
    public void Parse_InvalidCharacters_ThrowsArgumentException(string alias)
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelAlias.Parse(alias));
        Assert.Equal("alias", ex.ParamName);
        Assert.False(ModelAlias.TryParse(alias, out _));
    }

    [Fact]
    public void Parse_TooLong_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ModelAlias.Parse(new string('a', ModelAlias.MaxLength + 1)));
        Assert.True(ModelAlias.IsValid(new string('a', ModelAlias.MaxLength)));
    }

    [Fact]
    public void WellKnownAliases_HaveConventionalNames()
    {
        Assert.Equal("champion", ModelAlias.Champion.Value);
        Assert.Equal("challenger", ModelAlias.Challenger.Value);
    }
}
