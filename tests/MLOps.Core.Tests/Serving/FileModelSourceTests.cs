using Microsoft.Extensions.DependencyInjection;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Serving;

public class FileModelSourceTests
{
    [Fact]
    public async Task FromFile_ServesTheFileAndReloadsWhenItIsReplaced()
    {
        using var dir = new TempDirectory();
        string path = TestModels.SaveToFile(TestModels.Distinct[0], Path.Combine(dir.Path, "model.zip"));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromFile(path)));
        await Services.StartAsync(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var input = TestModels.Inputs[0];
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[0], input), client.Predict(input).Value.Score);

        await ReplaceAtomicallyAsync(path, TestModels.Serialize(TestModels.Distinct[1]));

        await Eventually.HoldsAsync(() => client.Predict(input).ModelVersion == new ModelVersion(2), "version 2 served");
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[1], input), client.Predict(input).Value.Score);
        Assert.StartsWith("sha256:", provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.Fingerprint, StringComparison.Ordinal);
    }

    // Microsoft.Extensions.ML's file loader stopped reloading after one failed reload (a half-written file).
    [Fact]
    public async Task FromFile_AfterAFailedReloadOfAHalfWrittenFile_KeepsServingAndStillReloadsTheCompletedFile()
    {
        using var dir = new TempDirectory();
        string path = TestModels.SaveToFile(TestModels.Distinct[0], Path.Combine(dir.Path, "model.zip"));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromFile(path)));
        await Services.StartAsync(provider);
        var client = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>();
        var catalog = provider.GetRequiredService<IModelCatalog>();
        var input = TestModels.Inputs[1];
        byte[] next = TestModels.Serialize(TestModels.Distinct[2]);

        // A writer that has written only half of the file, in place.
        await File.WriteAllBytesAsync(path, next.AsSpan(0, next.Length / 2).ToArray());
        await Eventually.HoldsAsync(() => catalog.Find(ModelName.Parse("house"))!.LoadFailures >= 1, "the half-written file fails to load");
        Assert.Equal(new ModelVersion(1), client.Predict(input).ModelVersion);
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[0], input), client.Predict(input).Value.Score);
        Assert.NotNull(catalog.Find(ModelName.Parse("house"))!.LastLoadError);

        // The writer finishes.
        await File.WriteAllBytesAsync(path, next);

        await Eventually.HoldsAsync(() => client.Predict(input).ModelVersion == new ModelVersion(2), "the completed file is served");
        Assert.Equal(TestModels.RawScore(TestModels.Distinct[2], input), client.Predict(input).Value.Score);
        Assert.Null(catalog.Find(ModelName.Parse("house"))!.LastLoadError);
    }

    [Fact]
    public async Task FromFile_TouchedWithoutContentChange_DoesNotCreateANewVersion()
    {
        using var dir = new TempDirectory();
        string path = TestModels.SaveToFile(TestModels.Distinct[0], Path.Combine(dir.Path, "model.zip"));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromFile(path)));
        await Services.StartAsync(provider);
        var catalog = provider.GetRequiredService<IModelCatalog>();

        await File.WriteAllBytesAsync(path, await File.ReadAllBytesAsync(path));
        Assert.False(await catalog.ReloadAsync(ModelName.Parse("house")));

        Assert.Equal(new ModelVersion(1), catalog.Find(ModelName.Parse("house"))!.Version);
    }

    [Fact]
    public async Task FromFile_WithoutWatching_ReloadsOnlyWhenAsked()
    {
        using var dir = new TempDirectory();
        string path = TestModels.SaveToFile(TestModels.Distinct[0], Path.Combine(dir.Path, "model.zip"));
        await using var provider = Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromFile(path, watchForChanges: false)));
        await Services.StartAsync(provider);
        var catalog = provider.GetRequiredService<IModelCatalog>();

        await ReplaceAtomicallyAsync(path, TestModels.Serialize(TestModels.Distinct[3]));
        Assert.True(await catalog.ReloadAsync(ModelName.Parse("house")));

        Assert.Equal(new ModelVersion(2), catalog.Find(ModelName.Parse("house"))!.Version);
    }

    [Fact]
    public void FromFile_EmptyPath_ThrowsArgumentException()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Services.Build(b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromFile(" "))));
        Assert.Equal("path", ex.ParamName);
    }

    private static async Task ReplaceAtomicallyAsync(string path, byte[] content)
    {
        string temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}
