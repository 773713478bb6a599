using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MLOps.Registry.Postgres.Internal;
using Npgsql;

namespace MLOps.Registry.Tests.Postgres;

public class PostgresSchemaMigratorTests
{
    [Fact]
    public async Task MigrateAsync_EmptyDatabase_CreatesSchemaAtLatestVersionAndLogsEachMigration()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var logger = new FakeLogger();

        (int from, int to) = await new PostgresSchemaMigrator(schema.DataSource, schema.Name, logger).MigrateAsync();

        Assert.Equal(0, from);
        Assert.Equal(PostgresMigration.LatestVersion, to);
        Assert.Equal(PostgresMigration.LatestVersion, await schema.ScalarAsync<int>("SELECT max(version) FROM __schema__.mlops_schema_version"));
        Assert.Equal(
            PostgresMigration.All[0].Checksum,
            await schema.ScalarAsync<string>("SELECT checksum FROM __schema__.mlops_schema_version WHERE version = 1"));
        FakeLogRecord[] applied = [.. logger.Collector.GetSnapshot().Where(r => r.Id.Id == 250)];
        Assert.Equal(PostgresMigration.All.Count, applied.Length);
        Assert.All(applied, r => Assert.Equal(LogLevel.Information, r.Level));
    }

    [Fact]
    public async Task MigrateAsync_Twice_SecondRunAppliesNothing()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var migrator = new PostgresSchemaMigrator(schema.DataSource, schema.Name, new FakeLogger());
        await migrator.MigrateAsync();

        (int from, int to) = await migrator.MigrateAsync();

        Assert.Equal(PostgresMigration.LatestVersion, from);
        Assert.Equal(PostgresMigration.LatestVersion, to);
        Assert.Equal((long)PostgresMigration.All.Count, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.mlops_schema_version"));
    }

    [Fact]
    public async Task MigrateAsync_ManyReplicasStartingAtOnce_MigrateExactlyOnce()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        const int Replicas = 12;
        var sources = new NpgsqlDataSource[Replicas];
        for (int i = 0; i < Replicas; i++)
        {
            sources[i] = NpgsqlDataSource.Create(schema.ConnectionString);   // one pool per replica: separate sessions
        }

        try
        {
            // Open every session first, then release them together, so the migrations really overlap.
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task<(int From, int To)>[] starters = [.. sources.Select(async source =>
            {
                await using (await source.OpenConnectionAsync())
                {
                }

                await go.Task;
                return await new PostgresSchemaMigrator(source, schema.Name, new FakeLogger()).MigrateAsync();
            })];
            go.SetResult();

            (int From, int To)[] results = await Task.WhenAll(starters);

            Assert.Single(results, r => r.From == 0);
            Assert.Equal(Replicas - 1, results.Count(r => r.From == PostgresMigration.LatestVersion));
            Assert.All(results, r => Assert.Equal(PostgresMigration.LatestVersion, r.To));
            Assert.Equal((long)PostgresMigration.All.Count, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.mlops_schema_version"));
        }
        finally
        {
            foreach (NpgsqlDataSource source in sources)
            {
                await source.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task MigrateAsync_SchemaFromNewerVersion_ThrowsUnsupportedSchemaAndChangesNothing()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var migrator = new PostgresSchemaMigrator(schema.DataSource, schema.Name, new FakeLogger());
        await migrator.MigrateAsync();
        int newer = PostgresMigration.LatestVersion + 1;
        await schema.ExecuteAsync($"INSERT INTO __schema__.mlops_schema_version (version, name, checksum) VALUES ({newer}, 'from_the_future', 'x')");

        var ex = await Assert.ThrowsAsync<UnsupportedRegistrySchemaException>(() => migrator.MigrateAsync());

        Assert.Contains($"version {newer}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"up to {PostgresMigration.LatestVersion}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(newer, await schema.ScalarAsync<int>("SELECT max(version) FROM __schema__.mlops_schema_version"));
    }

    [Fact]
    public async Task VerifyAsync_MissingSchema_ThrowsNamingTheNeededVersion()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var migrator = new PostgresSchemaMigrator(schema.DataSource, schema.Name, new FakeLogger());

        var ex = await Assert.ThrowsAsync<UnsupportedRegistrySchemaException>(() => migrator.VerifyAsync());

        Assert.Contains($"at version 0 but this version of MLOps needs version {PostgresMigration.LatestVersion}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MigrateOnStart", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_AfterMigration_Succeeds()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var migrator = new PostgresSchemaMigrator(schema.DataSource, schema.Name, new FakeLogger());
        await migrator.MigrateAsync();

        await migrator.VerifyAsync();

        Assert.Equal(PostgresMigration.LatestVersion, await schema.ScalarAsync<int>("SELECT max(version) FROM __schema__.mlops_schema_version"));
    }

    [Fact]
    public async Task MigrateAsync_SchemaMissingAMigrationBelowItsHighest_AppliesTheMissingOne()
    {
        // A gap: a schema migrated by a build without 0006 (say 0007 landed first) gets 0006 when it lands.
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var migrator = new PostgresSchemaMigrator(schema.DataSource, schema.Name, new FakeLogger());
        await migrator.MigrateAsync();
        await schema.ExecuteAsync("DROP TABLE __schema__.predictions, __schema__.feedback; DELETE FROM __schema__.mlops_schema_version WHERE version = 6");
        await Assert.ThrowsAsync<UnsupportedRegistrySchemaException>(() => migrator.VerifyAsync());
        int highestLeft = await schema.ScalarAsync<int>("SELECT max(version) FROM __schema__.mlops_schema_version");

        (int from, int to) = await new PostgresSchemaMigrator(schema.DataSource, schema.Name, new FakeLogger()).MigrateAsync();

        Assert.Equal((highestLeft, PostgresMigration.LatestVersion), (from, to));
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.mlops_schema_version WHERE version = 6"));
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.feedback"));
        await migrator.VerifyAsync();
    }

    [Fact]
    public void All_EmbeddedMigrations_AreNumberedUniquelyInOrderAndNameTheSchemaPlaceholder()
    {
        // Gaps are allowed (numbers reserved by features developed in parallel); the migrator applies every unrecorded one.
        Assert.NotEmpty(PostgresMigration.All);
        Assert.Equal(1, PostgresMigration.All[0].Version);
        for (int i = 0; i < PostgresMigration.All.Count; i++)
        {
            PostgresMigration migration = PostgresMigration.All[i];
            Assert.True(i == 0 || migration.Version > PostgresMigration.All[i - 1].Version, $"migration {migration.Version} follows {PostgresMigration.All[Math.Max(0, i - 1)].Version}");
            Assert.Contains(PostgresMigration.SchemaPlaceholder, migration.Script, StringComparison.Ordinal);
        }
    }
}
