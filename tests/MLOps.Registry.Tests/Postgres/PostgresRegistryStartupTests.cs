using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

public class PostgresRegistryStartupTests
{
    private static IHost BuildHost(Action<PostgresRegistryOptions> configure)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps(o => o.ServiceName = "startup-tests").AddPostgresRegistry(configure);
        return builder.Build();
    }

    [Fact]
    public async Task HostStart_WithConnectionString_MigratesAndServesTheRegistry()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(o =>
        {
            o.ConnectionString = schema.ConnectionString;
            o.Schema = schema.Name;
            o.DefaultActor = "startup-tests";
        });

        await host.StartAsync();
        IModelRegistry registry = host.Services.GetRequiredService<IModelRegistry>();
        RegisteredModelVersion v1 = await registry.RegisterVersionAsync(new RegisterVersionRequest(ModelName.Parse("taxi"), [ModelArtifact.FromBytes(new byte[] { 1, 2, 3 })]));
        await host.StopAsync();

        Assert.Same(host.Services.GetRequiredService<PostgresModelRegistry>(), Assert.IsType<MLOps.Registry.Internal.InstrumentedModelRegistry>(registry).Inner);
        Assert.Equal(new ModelVersion(1), v1.Version);
        Assert.Equal("startup-tests", v1.CreatedBy);
        Assert.Equal(PostgresMigration.LatestVersion, await schema.ScalarAsync<int>("SELECT max(version) FROM __schema__.mlops_schema_version"));
        Assert.Equal(PostgresRegistryDataSource.DefaultApplicationName,
            new NpgsqlConnectionStringBuilder(host.Services.GetRequiredService<PostgresRegistryDataSource>().Value.ConnectionString).ApplicationName);
    }

    [Fact]
    public async Task HostStart_WithSharedDataSource_UsesItAndLeavesItOpen()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using (IHost host = BuildHost(o =>
        {
            o.DataSource = schema.DataSource;
            o.Schema = schema.Name;
        }))
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<IModelRegistry>().CreateModelAsync(new CreateModelRequest(ModelName.Parse("churn")));
            await host.StopAsync();
        }

        // The host is disposed; the application's data source still works.
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.models"));
    }

    [Fact]
    public void AddPostgresRegistry_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();
        IMLOpsBuilder builder = services.AddMLOps();

        builder.AddPostgresRegistry("Host=localhost").AddPostgresRegistry(o => o.Schema = "other");

        Assert.Single(services, d => d.ServiceType == typeof(IModelRegistry));
        Assert.Single(services, d => d.ServiceType == typeof(PostgresModelRegistry));
        Assert.Single(services, d => d.ImplementationType == typeof(PostgresRegistryHostedService));
        using ServiceProvider provider = services.BuildServiceProvider();
        PostgresRegistryOptions options = provider.GetRequiredService<IOptions<PostgresRegistryOptions>>().Value;
        Assert.Equal("Host=localhost", options.ConnectionString);
        Assert.Equal("other", options.Schema);
    }

    [Fact]
    public void AddPostgresRegistry_NullOrEmptyArguments_ThrowNamingTheParameter()
    {
        IMLOpsBuilder builder = new ServiceCollection().AddMLOps();
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IMLOpsBuilder)null!).AddPostgresRegistry("Host=x")).ParamName);
        Assert.Equal("connectionString", Assert.Throws<ArgumentNullException>(() => builder.AddPostgresRegistry((string)null!)).ParamName);
        Assert.Equal("connectionString", Assert.Throws<ArgumentException>(() => builder.AddPostgresRegistry(" ")).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.AddPostgresRegistry((Action<PostgresRegistryOptions>)null!)).ParamName);
    }

    [Fact]
    public async Task HostStart_InvalidOptions_FailsListingEveryError()
    {
        using IHost host = BuildHost(o =>
        {
            o.ConnectionString = "Host=db;Frobnicate=yes";
            o.Schema = "Bad-Schema";
            o.CommandTimeout = TimeSpan.Zero;
            o.PollInterval = TimeSpan.FromMilliseconds(1);
            o.ReconnectDelay = TimeSpan.FromHours(1);
        });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string all = string.Join("\n", ex.Failures);
        Assert.Contains(nameof(PostgresRegistryOptions.ConnectionString), all, StringComparison.Ordinal);
        Assert.Contains("frobnicate", all, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(nameof(PostgresRegistryOptions.Schema), all, StringComparison.Ordinal);
        Assert.Contains(nameof(PostgresRegistryOptions.CommandTimeout), all, StringComparison.Ordinal);
        Assert.Contains(nameof(PostgresRegistryOptions.PollInterval), all, StringComparison.Ordinal);
        Assert.Contains(nameof(PostgresRegistryOptions.ReconnectDelay), all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_NeitherConnectionStringNorDataSource_FailsSayingWhatToSet()
    {
        using IHost host = BuildHost(_ => { });

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("set a connection string", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_NothingListensAtTheAddress_FailsWithAStorageErrorNamingTheServer()
    {
        using IHost host = BuildHost(o => o.ConnectionString = "Host=127.0.0.1;Port=1;Username=mlops;Password=mlops;Database=mlops_test;Timeout=3");

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => host.StartAsync());

        Assert.Equal(RegistryErrorCode.Storage, ex.ErrorCode);
        Assert.Contains("server '127.0.0.1:1', database 'mlops_test' as user 'mlops'", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<NpgsqlException>(ex.InnerException);
    }

    [Fact]
    public async Task HostStart_WrongPassword_FailsWithTheServersReason()
    {
        await (await PostgresTestServer.CreateDataSourceAsync()).DisposeAsync();   // fails clearly if the server itself is unreachable
        var connection = new NpgsqlConnectionStringBuilder(PostgresTestServer.ConnectionString) { Password = "not-the-password" };
        using IHost host = BuildHost(o => o.ConnectionString = connection.ConnectionString);

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => host.StartAsync());

        Assert.Equal(RegistryErrorCode.Storage, ex.ErrorCode);
        Assert.Equal("28P01", Assert.IsType<PostgresException>(ex.InnerException).SqlState);   // invalid_password
        Assert.Contains("password authentication failed", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_SchemaWrittenByANewerVersion_FailsWithUnsupportedSchema()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await new PostgresSchemaMigrator(schema.DataSource, schema.Name, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).MigrateAsync();
        await schema.ExecuteAsync($"INSERT INTO __schema__.mlops_schema_version (version, name, checksum) VALUES ({PostgresMigration.LatestVersion + 1}, 'next', 'x')");
        using IHost host = BuildHost(o =>
        {
            o.ConnectionString = schema.ConnectionString;
            o.Schema = schema.Name;
        });

        var ex = await Assert.ThrowsAsync<UnsupportedRegistrySchemaException>(() => host.StartAsync());

        Assert.Equal(RegistryErrorCode.UnsupportedSchema, ex.ErrorCode);
        Assert.Equal(PostgresMigration.LatestVersion + 1, ex.FoundVersion);
        Assert.Equal(PostgresMigration.LatestVersion, ex.SupportedVersion);
    }

    [Fact]
    public async Task HostStart_MigrationOffAndNoSchema_FailsAndCreatesNothing()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(o =>
        {
            o.ConnectionString = schema.ConnectionString;
            o.Schema = schema.Name;
            o.MigrateOnStart = false;
        });

        var ex = await Assert.ThrowsAsync<UnsupportedRegistrySchemaException>(() => host.StartAsync());

        Assert.Contains(nameof(PostgresRegistryOptions.MigrateOnStart), ex.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await schema.ScalarAsync<long>($"SELECT count(*) FROM pg_namespace WHERE nspname = '{schema.Name}'"));
    }

    [Fact]
    public async Task FirstCall_BeforeTheHostStarted_MigratesOnDemand()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using IHost host = BuildHost(o =>
        {
            o.ConnectionString = schema.ConnectionString;
            o.Schema = schema.Name;
        });

        // Another hosted service (for example the one loading FromRegistry models) may call the registry first.
        IReadOnlyList<RegisteredModel> models = await host.Services.GetRequiredService<IModelRegistry>().SearchModelsAsync();

        Assert.Empty(models);
        Assert.Equal(PostgresMigration.LatestVersion, await schema.ScalarAsync<int>("SELECT max(version) FROM __schema__.mlops_schema_version"));
    }
}
