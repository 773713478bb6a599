namespace MLOps.Core.Tests.Registry;

public class ModelArtifactTests
{
    [Theory]
    [InlineData("model.zip")]
    [InlineData("onnx/model-v2.onnx")]
    [InlineData("a/b/c+d_e.txt")]
    public void IsValidPath_RelativeSafePaths_AreValid(string path) => Assert.True(ModelArtifact.IsValidPath(path));

    [Theory]
    [InlineData("")]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/etc/passwd")]
    [InlineData("C:\\x")]
    [InlineData("C:/x")]
    [InlineData("a//b")]
    [InlineData("a/./b")]
    [InlineData("a/")]
    [InlineData("sp ace")]
    [InlineData("..")]
    [InlineData(null)]
    public void IsValidPath_TraversalAbsoluteOrOddPaths_AreInvalid(string? path) => Assert.False(ModelArtifact.IsValidPath(path));

    [Fact]
    public async Task FromBytes_OpensTheContent()
    {
        ModelArtifact artifact = ModelArtifact.FromBytes(new byte[] { 1, 2, 3 }, "x/y.bin");
        await using Stream stream = await artifact.OpenReadAsync();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);

        Assert.Equal("x/y.bin", artifact.Path);
        Assert.Equal(new byte[] { 1, 2, 3 }, copy.ToArray());
    }

    [Fact]
    public void FromFile_UsesTheFileNameByDefault() =>
        Assert.Equal("taxi.zip", ModelArtifact.FromFile(Path.Combine(Path.GetTempPath(), "taxi.zip")).Path);
}
