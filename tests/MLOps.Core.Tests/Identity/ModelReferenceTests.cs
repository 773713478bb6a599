namespace MLOps.Core.Tests.Identity;

public class ModelReferenceTests
{
    [Fact]
    public void Parse_Alias_ReturnsAliasReference()
    {
        var reference = ModelReference.Parse("taxi@champion");

        Assert.Equal("taxi", reference.Name.Value);
        Assert.Equal(ModelAlias.Champion, reference.Alias);
        Assert.Null(reference.Version);
        Assert.Equal("taxi@champion", reference.ToString());
    }

    [Fact]
    public void Parse_Version_ReturnsVersionReference()
    {
        var reference = ModelReference.Parse("taxi/3");

        Assert.Equal(new ModelVersion(3), reference.Version);
        Assert.Null(reference.Alias);
        Assert.Equal("taxi/3", reference.ToString());
    }

    [Fact]
    public void Parse_NameOnly_MeansLatest()
    {
        var reference = ModelReference.Parse("taxi");

        Assert.True(reference.IsLatest);
        Assert.Equal(ModelReference.ForLatest(ModelName.Parse("taxi")), reference);
    }

    [Theory]
    [InlineData("taxi@")]
    [InlineData("@champion")]
    [InlineData("taxi/")]
    [InlineData("taxi/0")]
    [InlineData("taxi/abc")]
    [InlineData("taxi@latest")]
    [InlineData("taxi@champion/3")]
    [InlineData("../taxi/3")]
    [InlineData("")]
    public void Parse_Invalid_ThrowsArgumentExceptionAndTryParseFails(string text)
    {
        var ex = Assert.Throws<ArgumentException>(() => ModelReference.Parse(text));

        Assert.Equal("reference", ex.ParamName);
        Assert.False(ModelReference.TryParse(text, out _));
    }

    [Theory]
    [InlineData("taxi@champion")]
    [InlineData("taxi/12")]
    [InlineData("taxi")]
    public void TryParse_Valid_AgreesWithParse(string text)
    {
        Assert.True(ModelReference.TryParse(text, out var reference));
        Assert.Equal(ModelReference.Parse(text), reference);
    }
}
