namespace MLOps.Registry.Tests.Conformance;

/// <summary>The format a registration records: the <c>format</c> tag serving reads, set when a format claims the artifact.</summary>
public abstract partial class RegistryConformanceTests
{
    [Fact]
    public async Task RegisterVersion_OnnxArtifact_RecordsTheOnnxFormat()
    {
        RegisteredModelVersion registered = await Registry.RegisterVersionAsync(
            new RegisterVersionRequest(Name(), [ModelArtifact.FromFile(OnnxFixtures.PathOf(OnnxFixtures.FareV1))])
            {
                Tags = new Dictionary<string, string> { ["team"] = "rides" },
            });

        RegisteredModelVersion read = (await Registry.GetVersionAsync(Name(), registered.Version))!;

        Assert.Equal(ModelFormats.Onnx, registered.Format);
        Assert.Equal(ModelFormats.Onnx, read.Format);
        Assert.Equal(new Dictionary<string, string> { [ModelFormats.Tag] = ModelFormats.Onnx, ["team"] = "rides" }, read.Tags);
    }

    [Fact]
    public async Task RegisterVersion_OnnxArtifactInASubfolderInAnyCase_RecordsTheOnnxFormat()
    {
        RegisteredModelVersion registered = await Registry.RegisterVersionAsync(
            new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("{}"), "export/meta.json"), ModelArtifact.FromBytes(Bytes("graph"), "export/Fare.ONNX")])
            {
                PrimaryArtifactPath = "export/Fare.ONNX",
            });

        Assert.Equal("export/Fare.ONNX", registered.PrimaryArtifactPath);
        Assert.Equal(ModelFormats.Onnx, (await Registry.GetVersionAsync(Name(), registered.Version))!.Format);
    }

    [Fact]
    public async Task RegisterVersion_FormatTagGiven_KeepsTheCallersFormat()
    {
        RegisteredModelVersion neutralName = await Registry.RegisterVersionAsync(
            new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("graph"), "model.bin")])
            {
                Tags = new Dictionary<string, string> { [ModelFormats.Tag] = ModelFormats.Onnx },
            });
        RegisteredModelVersion overridden = await Registry.RegisterVersionAsync(
            new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("graph"), "model.onnx")])
            {
                Tags = new Dictionary<string, string> { [ModelFormats.Tag] = "torch" },
            });

        Assert.Equal(ModelFormats.Onnx, (await Registry.GetVersionAsync(Name(), neutralName.Version))!.Format);
        Assert.Equal("torch", (await Registry.GetVersionAsync(Name(), overridden.Version))!.Format);
    }

    [Fact]
    public async Task RegisterVersion_MLNetZipOrUnclaimedFile_RecordsNoFormat()
    {
        RegisteredModelVersion zip = await RegisterAsync();
        RegisteredModelVersion unclaimed = await Registry.RegisterVersionAsync(
            new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("weights"), "model.bin")]));

        foreach (RegisteredModelVersion v in new[] { zip, unclaimed })
        {
            RegisteredModelVersion read = (await Registry.GetVersionAsync(Name(), v.Version))!;
            Assert.Null(read.Format);
            Assert.False(read.Tags.ContainsKey(ModelFormats.Tag));
        }
    }
}
