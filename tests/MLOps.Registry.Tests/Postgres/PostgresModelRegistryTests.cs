using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

/// <summary>The PostgreSQL registry created directly, as a script or a tool would, without a host.</summary>
public sealed class PostgresModelRegistryTests
{
    [Fact]
    public async Task PublicConstructor_WithConnectionString_MigratesAndRoundTripsAModel()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var name = ModelName.Parse("taxi");

        await using (var registry = new PostgresModelRegistry(new PostgresRegistryOptions
        {
            ConnectionString = schema.ConnectionString,
            Schema = schema.Name,
            DefaultActor = "script",
        }))
        {
            await registry.CreateModelAsync(new CreateModelRequest(name) { Description = "fares" });
            RegisteredModelVersion v1 = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(new byte[] { 1, 2, 3 })]));
            Assert.Equal("script", v1.CreatedBy);
        }

        await using var reopened = new PostgresModelRegistry(new PostgresRegistryOptions { ConnectionString = schema.ConnectionString, Schema = schema.Name });
        RegisteredModel? model = await reopened.GetModelAsync(name);
        Assert.NotNull(model);
        Assert.Equal("fares", model.Description);
        RegisteredModelVersion? version = await reopened.GetVersionAsync(name, new ModelVersion(1));
        Assert.Equal(ModelVersionStatus.Ready, version?.Status);
    }

    [Fact]
    public async Task Dispose_WithConfiguredDataSource_LeavesTheDataSourceOpen()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using NpgsqlDataSource dataSource = NpgsqlDataSource.Create(schema.ConnectionString);

        await using (var registry = new PostgresModelRegistry(new PostgresRegistryOptions { DataSource = dataSource, Schema = schema.Name }))
        {
            await registry.CreateModelAsync(new CreateModelRequest(ModelName.Parse("taxi")));
        }

        await using NpgsqlCommand command = dataSource.CreateCommand("SELECT 1");
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    [Fact]
    public void PublicConstructor_InvalidOptions_ThrowsArgumentExceptionListingTheProblems()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => new PostgresModelRegistry(new PostgresRegistryOptions()));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("invalid", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PublicConstructor_NullOptions_ThrowsArgumentNullException() =>
        Assert.Throws<ArgumentNullException>(() => new PostgresModelRegistry(null!));
}
