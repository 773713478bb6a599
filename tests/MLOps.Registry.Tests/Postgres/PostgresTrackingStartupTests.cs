using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.ML;
using MLOps.Core.Tests.Support;
using MLOps.Registry.Internal;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tests.Training;

namespace MLOps.Registry.Tests.Postgres;

public class PostgresTrackingStartupTests
{
    private static IHost BuildHost(Action<IMLOpsBuilder> configure)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        configure(builder.Services.AddMLOps(o => o.ServiceName = "tracking-startup-tests"));
        return builder.Build();
    }

    [Fact]
    public async Task HostStart_RegistryAndTracking_ShareOneDataSourceAndSchemaAndTrainEndToEnd()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(b => b
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = schema.ConnectionString;
                o.Schema = schema.Name;
                o.ListenForNotifications = false;
            })
            .AddPostgresTracking());

        await host.StartAsync();
        var ml = new MLContext(seed: 1);
        var request = new ModelTrainingRequest(
            ModelName.Parse("house-price"),
            ml.Transforms.Concatenate("Features", nameof(HouseInput.Size), nameof(HouseInput.Rooms))
                .Append(ml.Transforms.NormalizeMinMax("Features"))
                .Append(ml.Regression.Trainers.Sdca(labelColumnName: nameof(HouseInput.Price), maximumNumberOfIterations: 20)),
            ModelTrainingTask.Regression)
        {
            LabelColumnName = nameof(HouseInput.Price),
            DatasetName = "houses-v1",
            Seed = 11,
        };
        ModelTrainingResult result = await host.Services.GetRequiredService<ModelTrainingRunner>().TrainAndRegisterAsync(request, TrainingData.Houses());
        IExperimentTracker tracker = host.Services.GetRequiredService<IExperimentTracker>();
        IModelRegistry registry = host.Services.GetRequiredService<IModelRegistry>();
        TrackedRun? run = await tracker.GetRunAsync(result.RunId);
        RegisteredModelVersion? version = await registry.GetVersionAsync(ModelName.Parse("house-price"), result.Version.Version);
        await host.StopAsync();

        Assert.IsType<PostgresExperimentTracker>(Assert.IsType<InstrumentedExperimentTracker>(tracker).Inner);
        Assert.Single(host.Services.GetServices<PostgresRegistryDataSource>());
        Assert.Equal(RunStatus.Finished, run?.Status);
        Assert.Equal(result.Metrics, run?.Metrics);
        Assert.Equal("houses-v1", Assert.Single(run!.Datasets).Name);
        Assert.Equal(result.RunId, version?.Lineage?.RunId);
        Assert.Equal(version!.PrimaryArtifact!.Sha256, Assert.Single(run.Artifacts).Sha256);
        ITransformer loaded = new MLContext().Model.Load(new MemoryStream(await tracker.ReadArtifactAsync(result.RunId, "model.zip")), out _);
        Assert.InRange(TestModels.RawScore(loaded, new HouseInput { Size = 100, Rooms = 3 }), (30 * 100) + 1500 - 400, (30 * 100) + 1500 + 500);
        Assert.Equal(PostgresMigration.LatestVersion, await schema.ScalarAsync<int>("SELECT max(version) FROM __schema__.mlops_schema_version"));
    }

    [Fact]
    public async Task HostStart_TrackingOnlyWithConnectionString_MigratesAtStartAndServesTheTracker()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(b => b.AddPostgresTracking(schema.ConnectionString).AddPostgresTracking(o => o.Schema = schema.Name));

        await host.StartAsync();
        bool migratedAtStart = await schema.ScalarAsync<bool>("SELECT to_regclass('__schema__.runs') IS NOT NULL");
        IExperimentTracker tracker = host.Services.GetRequiredService<IExperimentTracker>();
        TrackedRun run = await tracker.StartRunAsync("taxi");
        await host.StopAsync();

        Assert.True(migratedAtStart);
        Assert.Equal(run.RunId, (await tracker.GetRunAsync(run.RunId))?.RunId);
        Assert.Null(host.Services.GetService<IModelRegistry>());
    }

    [Fact]
    public void AddPostgresTracking_CalledTwiceAndWithTheRegistry_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        IMLOpsBuilder builder = services.AddMLOps();

        builder.AddPostgresRegistry("Host=localhost").AddPostgresTracking().AddPostgresTracking(o => o.Schema = "other");

        Assert.Single(services, d => d.ServiceType == typeof(IExperimentTracker));
        Assert.Single(services, d => d.ServiceType == typeof(PostgresExperimentTracker));
        Assert.Single(services, d => d.ServiceType == typeof(PostgresRegistryDataSource));
        Assert.Single(services, d => d.ServiceType == typeof(ModelTrainingRunner));
        Assert.Single(services, d => d.ImplementationType == typeof(PostgresTrackingHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<PostgresRegistryOptions>) && d.ImplementationType == typeof(PostgresRegistryOptionsValidator));
        using ServiceProvider provider = services.BuildServiceProvider();
        PostgresRegistryOptions options = provider.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value;
        Assert.Equal("Host=localhost", options.ConnectionString);
        Assert.Equal("other", options.Schema);
    }

    [Fact]
    public void AddPostgresTracking_AfterTheFileSystemTracker_KeepsTheFirstTracker()
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddFileSystemTracking(o => o.RootPath = Path.GetTempPath()).AddPostgresTracking("Host=localhost");
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.IsType<FileSystemExperimentTracker>(Assert.IsType<InstrumentedExperimentTracker>(provider.GetRequiredService<IExperimentTracker>()).Inner);
    }

    [Fact]
    public void AddPostgresTracking_NullOrEmptyArguments_ThrowNamingTheParameter()
    {
        IMLOpsBuilder builder = new ServiceCollection().AddMLOps();

        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IMLOpsBuilder)null!).AddPostgresTracking()).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IMLOpsBuilder)null!).AddPostgresTracking("Host=x")).ParamName);
        Assert.Equal("connectionString", Assert.Throws<ArgumentNullException>(() => builder.AddPostgresTracking((string)null!)).ParamName);
        Assert.Equal("connectionString", Assert.Throws<ArgumentException>(() => builder.AddPostgresTracking(" ")).ParamName);
    }

    [Fact]
    public async Task HostStart_RegistryAndTrackingWithInvalidOptions_FailsListingEveryErrorOnce()
    {
        using IHost host = BuildHost(b => b
            .AddPostgresRegistry(o =>
            {
                o.ConnectionString = "Host=db;Frobnicate=yes";
                o.Schema = "Bad-Schema";
            })
            .AddPostgresTracking(o => o.CommandTimeout = TimeSpan.Zero));

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Single(ex.Failures, f => f.Contains(nameof(PostgresRegistryOptions.ConnectionString), StringComparison.Ordinal));
        Assert.Single(ex.Failures, f => f.Contains(nameof(PostgresRegistryOptions.Schema), StringComparison.Ordinal));
        Assert.Single(ex.Failures, f => f.Contains(nameof(PostgresRegistryOptions.CommandTimeout), StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostStart_TrackingOnlyWithoutConnection_FailsSayingWhatToSet()
    {
        using IHost host = BuildHost(b => b.AddPostgresTracking());

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("set a connection string", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_TrackingWithNothingListening_FailsWithAStorageErrorNamingTheServerButNotThePassword()
    {
        using IHost host = BuildHost(b => b.AddPostgresTracking("Host=127.0.0.1;Port=1;Username=mlops;Password=s3cret;Database=mlops_test;Timeout=3"));

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => host.StartAsync());

        Assert.Equal(RegistryErrorCode.Storage, ex.ErrorCode);
        Assert.Contains("server '127.0.0.1:1', database 'mlops_test' as user 'mlops'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsArgumentExceptionListingEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new PostgresExperimentTracker(
            new PostgresRegistryOptions { ConnectionString = "Host=db;Frobnicate=yes", Schema = "Bad-Schema", CommandTimeout = TimeSpan.Zero }));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("Schema", ex.Message, StringComparison.Ordinal);
        Assert.Contains("frobnicate", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(nameof(PostgresRegistryOptions.CommandTimeout), ex.Message, StringComparison.Ordinal);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => new PostgresExperimentTracker(null!)).ParamName);
    }

    [Fact]
    public async Task Dispose_WithASharedDataSource_LeavesItOpenAndRejectsFurtherCalls()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var tracker = new PostgresExperimentTracker(new PostgresRegistryOptions { DataSource = schema.DataSource, Schema = schema.Name });
        await tracker.StartRunAsync("taxi");

        await tracker.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => tracker.ListExperimentsAsync());
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.runs"));
    }
}
