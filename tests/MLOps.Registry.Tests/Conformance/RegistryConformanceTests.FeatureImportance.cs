namespace MLOps.Registry.Tests.Conformance;

/// <summary>Feature importance stored with a version: registered, replaced, read back by another instance, validated.</summary>
public abstract partial class RegistryConformanceTests
{
    private static readonly FeatureImportance[] Importances =
    [
        new("Rooms", "r2", 0.05, 0.01),
        new("Size", "r2", 0.8, 0.02),
        new("Noise", "r2", -0.001, 0.0005),
    ];

    [Fact]
    public async Task RegisterVersionAsync_WithFeatureImportance_StoresItMostImportantFirst()
    {
        RegisteredModelVersion registered = await Registry.RegisterVersionAsync(
            new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("m"))]) { FeatureImportance = Importances });

        Assert.Equal(["Size", "Rooms", "Noise"], registered.FeatureImportance.Select(i => i.Feature));
        RegisteredModelVersion read = (await Registry.GetVersionAsync(Name(), registered.Version))!;
        Assert.Equal(registered.FeatureImportance, read.FeatureImportance);
        Assert.Equal(new FeatureImportance("Size", "r2", 0.8, 0.02), read.FeatureImportance[0]);
        Assert.Equal(read.FeatureImportance, (await Registry.ListVersionsAsync(Name()))[0].FeatureImportance);
    }

    [Fact]
    public async Task RegisterVersionAsync_WithoutFeatureImportance_HasAnEmptyList()
    {
        RegisteredModelVersion registered = await RegisterAsync();

        Assert.Empty(registered.FeatureImportance);
        Assert.Empty((await Registry.GetVersionAsync(Name(), registered.Version))!.FeatureImportance);
    }

    [Fact]
    public async Task UpdateVersionAsync_FeatureImportance_ReplacesKeepsOrRemovesIt()
    {
        RegisteredModelVersion registered = await RegisterAsync();

        RegisteredModelVersion set = await Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), registered.Version) { FeatureImportance = Importances });
        Assert.Equal(["Size", "Rooms", "Noise"], set.FeatureImportance.Select(i => i.Feature));

        RegisteredModelVersion kept = await Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), registered.Version) { Description = "d" });
        Assert.Equal(set.FeatureImportance, kept.FeatureImportance);

        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            Assert.Equal(set.FeatureImportance, (await second.GetVersionAsync(Name(), registered.Version))!.FeatureImportance);
        }
        finally
        {
            await DisposeRegistryAsync(second);
        }

        RegisteredModelVersion removed = await Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), registered.Version) { FeatureImportance = [] });
        Assert.Empty(removed.FeatureImportance);
        Assert.Empty((await Registry.GetVersionAsync(Name(), registered.Version))!.FeatureImportance);
    }

    public static TheoryData<string, FeatureImportance[]> InvalidImportances => new()
    {
        { "twice", [new("a", "r2", 1, 0), new("a", "r2", 0.5, 0)] },
        { "NaN mean", [new("a", "r2", double.NaN, 0)] },
        { "infinite deviation", [new("a", "r2", 1, double.PositiveInfinity)] },
        { "negative deviation", [new("a", "r2", 1, -0.1)] },
        { "empty feature", [new(" ", "r2", 1, 0)] },
        { "control character", [new("a\u0001", "r2", 1, 0)] },
        { "long feature", [new(new string('f', 251), "r2", 1, 0)] },
        { "empty metric", [new("a", "", 1, 0)] },
        { "null item", [null!] },
    };

    [Theory]
    [MemberData(nameof(InvalidImportances))]
    public async Task UpdateVersionAsync_InvalidFeatureImportance_ThrowsAndChangesNothing(string why, FeatureImportance[] importances)
    {
        _ = why;
        RegisteredModelVersion registered = await Registry.RegisterVersionAsync(
            new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("m"))]) { FeatureImportance = Importances });

        await Assert.ThrowsAsync<ArgumentException>(() => Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), registered.Version) { FeatureImportance = importances }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(
            new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes("n"))]) { FeatureImportance = importances }));

        Assert.Equal(registered.FeatureImportance, (await Registry.GetVersionAsync(Name(), registered.Version))!.FeatureImportance);
        Assert.Single(await Registry.ListVersionsAsync(Name()));
    }

    [Fact]
    public async Task UpdateVersionAsync_FeatureImportanceOfMissingVersion_IsNotFound()
    {
        await RegisterAsync();

        ModelRegistryException ex = await Assert.ThrowsAsync<ModelRegistryException>(
            () => Registry.UpdateVersionAsync(new UpdateVersionRequest(Name(), new ModelVersion(9)) { FeatureImportance = Importances }));
        Assert.Equal(RegistryErrorCode.NotFound, ex.ErrorCode);
    }
}
