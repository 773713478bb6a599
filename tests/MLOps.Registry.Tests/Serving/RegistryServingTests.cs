using MLOps.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Serving;

public sealed class RegistryServingTests : IDisposable
{
    private static readonly ModelName House = ModelName.Parse("house");
    private readonly TempDirectory _directory = new();

    private FileSystemModelRegistry OpenAdmin() => new(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false, DefaultActor = "admin" });

    private static async Task<ModelVersion> RegisterAsync(FileSystemModelRegistry registry, int model)
    {
        RegisteredModelVersion v = await registry.RegisterVersionAsync(new RegisterVersionRequest(House, [ModelArtifact.FromBytes(TestModels.Serialize(TestModels.Distinct[model]))])
        {
            Signature = ModelSignature.For<HouseInput, HousePrediction>(),
        });
        return v.Version;
    }

    private ServiceProvider BuildProvider(
        Action<ModelServingBuilder<HouseInput, HousePrediction>> source, bool watch, TimeSpan pollInterval, TimeProvider? time = null, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        configure?.Invoke(services);
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddMLOps(o =>
            {
                o.ReloadDelay = TimeSpan.Zero;
                o.PollInterval = pollInterval;
            })
            .AddFileSystemRegistry(o =>
            {
                o.RootPath = _directory.Path;
                o.WatchForChanges = watch;
            })
            .AddModel<HouseInput, HousePrediction>("house", source);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static async Task StartAsync(IServiceProvider provider)
    {
        foreach (IHostedService service in provider.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
        }
    }

    private static bool Serves(IServiceProvider provider, int version, int model)
    {
        Prediction<HousePrediction> p = provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>().Predict(TestModels.Inputs[1]);
        return p.ModelVersion == new ModelVersion(version) && p.Value.Score == TestModels.RawScore(TestModels.Distinct[model], TestModels.Inputs[1]);
    }

    [Fact]
    public async Task FromRegistryAlias_ServesTheAliasVersionWithItsRegistryNumber_AndFollowsPromotionAndRollback()
    {
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        await RegisterAsync(admin, 1);
        await RegisterAsync(admin, 2);
        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(2), ModelAlias.Champion));
        await using ServiceProvider provider = BuildProvider(m => m.FromRegistry(alias: "champion"), watch: true, pollInterval: TimeSpan.Zero);
        await StartAsync(provider);
        Assert.True(Serves(provider, version: 2, model: 1));
        Assert.StartsWith("registry:house/2:sha256:", provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.Fingerprint, StringComparison.Ordinal);

        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(3), ModelAlias.Champion));   // another instance: seen through the watcher
        await Eventually.HoldsAsync(() => Serves(provider, version: 3, model: 2), "version 3 served after promotion");

        await admin.RollbackAsync(new RollbackRequest(House, ModelAlias.Champion) { Reason = "regression" });
        await Eventually.HoldsAsync(() => Serves(provider, version: 2, model: 1), "version 2 served after rollback");
    }

    [Fact]
    public async Task TwoProvidersSharingADirectory_WithoutWatchers_ConvergeOnAPromotedVersionAtThePollInterval()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        await RegisterAsync(admin, 1);
        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        await using ServiceProvider first = BuildProvider(m => m.FromRegistry(alias: "champion"), watch: false, MLOpsOptions.DefaultPollInterval, time);
        await using ServiceProvider second = BuildProvider(m => m.FromRegistry(alias: "champion"), watch: false, MLOpsOptions.DefaultPollInterval, time);
        await StartAsync(first);
        await StartAsync(second);
        Assert.True(Serves(first, 1, 0));
        Assert.True(Serves(second, 1, 0));

        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(2), ModelAlias.Champion));
        Assert.True(Serves(first, 1, 0));   // no watcher, no time passed: nothing can have told them yet

        time.Advance(MLOpsOptions.DefaultPollInterval);   // one poll interval

        await Eventually.HoldsAsync(() => Serves(first, 2, 1) && Serves(second, 2, 1), "both replicas serve version 2 after one poll interval");
    }

    [Fact]
    public async Task Poll_OfACorruptModelFile_IsLoggedAndTheServedVersionStays()
    {
        // model.json = {"model":null} made the poll throw a NullReferenceException that nobody observed.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        await using ServiceProvider provider = BuildProvider(m => m.FromRegistry(alias: "champion"), watch: false, MLOpsOptions.DefaultPollInterval, time,
            services => services.AddFakeLogging());
        await StartAsync(provider);
        Assert.True(Serves(provider, 1, 0));

        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "models", "house", "model.json"), "{\"model\":null}");
        time.Advance(MLOpsOptions.DefaultPollInterval);

        FakeLogCollector logs = provider.GetFakeLogCollector();
        await Eventually.HoldsAsync(() => logs.GetSnapshot().Any(r => r.Id.Name == "RegistryPollFailed"), "the failed poll is logged");
        FakeLogRecord record = logs.GetSnapshot().First(r => r.Id.Name == "RegistryPollFailed");
        var ex = Assert.IsType<ModelRegistryException>(record.Exception, exactMatch: false);
        Assert.Equal(RegistryErrorCode.CorruptData, ex.ErrorCode);
        Assert.Contains("model.json", ex.Message, StringComparison.Ordinal);
        Assert.True(Serves(provider, 1, 0));
    }

    [Fact]
    public async Task FromRegistryVersion_ServesThatVersionAndIgnoresPromotions()
    {
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        await RegisterAsync(admin, 1);
        await using ServiceProvider provider = BuildProvider(m => m.FromRegistry(version: 1), watch: true, pollInterval: TimeSpan.FromMilliseconds(100));
        await StartAsync(provider);

        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(2), ModelAlias.Champion));
        await provider.GetRequiredService<IModelCatalog>().ReloadAsync(ModelName.Parse("house"));

        Assert.True(Serves(provider, 1, 0));
    }

    [Fact]
    public async Task FromRegistryLatest_ServesTheLatestReadyVersion()
    {
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        await RegisterAsync(admin, 3);
        await using ServiceProvider provider = BuildProvider(m => m.FromRegistry(), watch: true, pollInterval: TimeSpan.Zero);
        await StartAsync(provider);

        Assert.True(Serves(provider, 2, 3));
    }

    [Fact]
    public async Task PromotedVersionWithATamperedArtifact_FailsToLoadAndThePreviousVersionKeepsServing()
    {
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        ModelVersion bad = await RegisterAsync(admin, 1);
        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        await using ServiceProvider provider = BuildProvider(m => m.FromRegistry(alias: "champion"), watch: true, pollInterval: TimeSpan.Zero);
        await StartAsync(provider);
        string file = admin.Artifacts.PathOf(FileSystemModelRegistry.FileKey(House, bad, ModelArtifact.DefaultPath));
        byte[] content = File.ReadAllBytes(file);
        content[content.Length / 3] ^= 0x5A;
        File.WriteAllBytes(file, content);

        await admin.PromoteAsync(new PromoteRequest(House, bad, ModelAlias.Champion));

        ServedModel? served = null;
        await Eventually.HoldsAsync(() => (served = provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house")))!.LoadFailures >= 1, "the tampered version fails to load");
        Assert.IsType<ArtifactIntegrityException>(served!.LastLoadError?.InnerException ?? served.LastLoadError);
        Assert.True(Serves(provider, 1, 0));
    }

    [Fact]
    public async Task FromRegistry_WithoutARegistry_FailsWithAClearMessage()
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>());

        Assert.Contains("AddFileSystemRegistry", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromRegistry_AliasAndVersionTogetherOrInvalid_ThrowArgumentException()
    {
        var services = new ServiceCollection();
        IMLOpsBuilder builder = services.AddMLOps();
        Assert.Throws<ArgumentException>(() => builder.AddModel<HouseInput, HousePrediction>("a", m => m.FromRegistry(alias: "champion", version: 1)));
        Assert.Throws<ArgumentException>(() => builder.AddModel<HouseInput, HousePrediction>("b", m => m.FromRegistry(alias: "latest")));
        Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddModel<HouseInput, HousePrediction>("c", m => m.FromRegistry(version: 0)));
    }

    [Fact]
    public async Task PollInterval_Invalid_FailsValidationOnStart()
    {
        await using ServiceProvider provider = BuildProvider(m => m.FromRegistry(alias: "champion"), watch: false, pollInterval: TimeSpan.FromMilliseconds(1));

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate());

        Assert.Contains("PollInterval", ex.Message, StringComparison.Ordinal);
    }

#pragma warning disable CS0618 // The obsolete RegistryServingOptions must keep working for existing configurations.
    [Fact]
    public async Task RegistryServingOptions_InvalidPollInterval_FailsValidationOnStart()
    {
        await using ServiceProvider provider = BuildProvider(
            m => m.FromRegistry(alias: "champion"), watch: false, pollInterval: TimeSpan.Zero,
            configure: s => s.Configure<RegistryServingOptions>(o => o.PollInterval = TimeSpan.FromMilliseconds(1)));

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate());

        Assert.Contains("RegistryServingOptions.PollInterval", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistryServingOptions_PollIntervalSet_WinsOverMLOpsOptionsForRegistryModels()
    {
        // Issue 15, item 10: MLOpsOptions.PollInterval is the one serving poll; the obsolete option still wins when set.
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        await RegisterAsync(admin, 1);
        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        await using ServiceProvider provider = BuildProvider(
            m => m.FromRegistry(alias: "champion"), watch: false, pollInterval: TimeSpan.Zero, time,
            configure: s => s.Configure<RegistryServingOptions>(o => o.PollInterval = TimeSpan.FromMinutes(1)));
        await StartAsync(provider);

        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(2), ModelAlias.Champion));
        time.Advance(TimeSpan.FromMinutes(1));

        await Eventually.HoldsAsync(() => Serves(provider, 2, 1), "version 2 served at the RegistryServingOptions interval though MLOpsOptions.PollInterval is 0");
    }
#pragma warning restore CS0618

    [Fact]
    public async Task FromRegistryAlias_Unassigned_FailsStartupWithAClearMessage()
    {
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        await using ServiceProvider provider = BuildProvider(m => m.FromRegistry(alias: "champion"), watch: false, pollInterval: TimeSpan.Zero);

        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(provider));

        Assert.Contains("'champion'", ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("not assigned", ex.ToString(), StringComparison.Ordinal);
    }

    // Issue 15, item 8: a replica that never converges. The serving poll compared the alias's target with the version last
    // *resolved*, set before the artifact was read; a reload whose read failed on a transient error left that mark on the
    // new version, so no later poll asked again and the replica served the old version until the alias moved again.

    [Fact]
    public async Task Reload_ArtifactReadFailsTransiently_TheNextServingPollRetriesAndTheReplicaConverges()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        await RegisterAsync(admin, 1);
        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        using var replicaRegistry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false });
        IModelRegistry registry = FlakyModelRegistry.Wrap(replicaRegistry, out FlakyModelRegistry faults);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(registry);
        services.AddMLOps(o => o.ReloadDelay = TimeSpan.Zero)
            .AddModel<HouseInput, HousePrediction>("house", m => m.FromRegistry(alias: "champion"));
        await using ServiceProvider provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await StartAsync(provider);
        Assert.True(Serves(provider, 1, 0));

        faults.FailReads = 1;
        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(2), ModelAlias.Champion));
        time.Advance(MLOpsOptions.DefaultPollInterval);
        await Eventually.HoldsAsync(() => provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.LoadFailures == 1, "the first reload fails to read the artifact");
        Assert.True(Serves(provider, 1, 0));

        // Each iteration lets one more poll interval pass; the first poll after the failure must retry.
        await Eventually.HoldsAsync(
            () =>
            {
                time.Advance(MLOpsOptions.DefaultPollInterval);
                return Serves(provider, 2, 1);
            },
            "a later poll retries the read and version 2 is served");
        Assert.Equal(1, provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.LoadFailures);
    }

    [Fact]
    public async Task Reload_TamperedArtifact_IsNotRetriedOnEveryPoll()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-26T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using FileSystemModelRegistry admin = OpenAdmin();
        await RegisterAsync(admin, 0);
        ModelVersion bad = await RegisterAsync(admin, 1);
        await admin.PromoteAsync(new PromoteRequest(House, new ModelVersion(1), ModelAlias.Champion));
        await using ServiceProvider provider = BuildProvider(m => m.FromRegistry(alias: "champion"), watch: false, MLOpsOptions.DefaultPollInterval, time);
        await StartAsync(provider);
        string file = admin.Artifacts.PathOf(FileSystemModelRegistry.FileKey(House, bad, ModelArtifact.DefaultPath));
        byte[] content = File.ReadAllBytes(file);
        content[content.Length / 3] ^= 0x5A;
        File.WriteAllBytes(file, content);

        await admin.PromoteAsync(new PromoteRequest(House, bad, ModelAlias.Champion));
        time.Advance(MLOpsOptions.DefaultPollInterval);
        await Eventually.HoldsAsync(() => provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.LoadFailures >= 1, "the tampered version fails to load");
        for (int i = 0; i < 5; i++)
        {
            time.Advance(MLOpsOptions.DefaultPollInterval);
            await Task.Delay(50);
        }

        Assert.Equal(1, provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("house"))!.LoadFailures);
        Assert.True(Serves(provider, 1, 0));
    }

    public void Dispose() => _directory.Dispose();
}
