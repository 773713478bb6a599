using System.Security.Cryptography;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Postgres.Internal;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Postgres;

public class PostgresArtifactStoreTests
{
    private static async Task<PostgresArtifactStore> CreateStoreAsync(TestSchema schema)
    {
        await new PostgresSchemaMigrator(schema.DataSource, schema.Name, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).MigrateAsync();
        return new PostgresArtifactStore(schema.DataSource, schema.Name, commandTimeoutSeconds: 30);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        await using (stream)
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }

    [Fact]
    public async Task PutAsync_ThenOpenRead_ReturnsTheContentWithItsSha256AndLength()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresArtifactStore store = await CreateStoreAsync(schema);
        byte[] content = RandomNumberGenerator.GetBytes(300_000);

        ArtifactDescriptor stored = await store.PutAsync("taxi/a/model.zip", new MemoryStream(content));

        Assert.Equal(new ArtifactDescriptor("taxi/a/model.zip", Convert.ToHexStringLower(SHA256.HashData(content)), content.Length), stored);
        Assert.Equal(content, await ReadAllAsync(await store.OpenReadAsync(stored)));
        Assert.True(await store.ExistsAsync("taxi/a/model.zip"));
    }

    [Fact]
    public async Task PutAsync_SameKeyTwice_ReplacesTheBlob()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresArtifactStore store = await CreateStoreAsync(schema);
        await store.PutAsync("k", new MemoryStream([1, 2, 3]));

        ArtifactDescriptor second = await store.PutAsync("k", new MemoryStream([4, 5]));

        Assert.Equal([4, 5], await ReadAllAsync(await store.OpenReadAsync(second)));
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.artifacts"));
    }

    [Fact]
    public async Task OpenReadAsync_MissingOrDifferentLengthOrDigest_ThrowsArtifactIntegrityException()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresArtifactStore store = await CreateStoreAsync(schema);
        ArtifactDescriptor stored = await store.PutAsync("k", new MemoryStream([1, 2, 3]));

        var missing = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => store.OpenReadAsync(stored with { Path = "other" }));
        var length = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => store.OpenReadAsync(stored with { Length = 4 }));
        var digest = await Assert.ThrowsAsync<ArtifactIntegrityException>(() => store.OpenReadAsync(stored with { Sha256 = new string('0', 64) }));

        Assert.Contains("missing", missing.Message, StringComparison.Ordinal);
        Assert.Contains("length is 3 bytes, 4 were recorded", length.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", digest.Message, StringComparison.Ordinal);
        Assert.Equal("k", length.ArtifactPath);
    }

    [Fact]
    public async Task PutAsync_InvalidKey_ThrowsArgumentExceptionAndStoresNothing()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresArtifactStore store = await CreateStoreAsync(schema);

        await Assert.ThrowsAsync<ArgumentException>(() => store.PutAsync("../escape", new MemoryStream([1])));

        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.artifacts"));
    }

    [Fact]
    public async Task DeleteAsync_ReportsWhetherABlobWasDeleted()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        PostgresArtifactStore store = await CreateStoreAsync(schema);
        await store.PutAsync("k", new MemoryStream([1]));

        Assert.True(await store.DeleteAsync("k"));
        Assert.False(await store.DeleteAsync("k"));
        Assert.False(await store.ExistsAsync("k"));
    }

    [Fact]
    public async Task Registry_WithAConfiguredArtifactStore_KeepsBlobsThereAndOnlyTheirDigestsInPostgres()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using var directory = new TempDirectory();
        await using PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(schema, o => o.ArtifactStore = new FileSystemArtifactStore(directory.Path));
        ModelName taxi = ModelName.Parse("taxi");
        byte[] content = RandomNumberGenerator.GetBytes(10_000);

        RegisteredModelVersion v = await registry.RegisterVersionAsync(new RegisterVersionRequest(taxi, [ModelArtifact.FromBytes(content)])
        {
            ReferenceProfile = new ReferenceProfileBlob("application/json", "{}"u8.ToArray()),
        });

        Assert.Equal(content, await registry.ReadArtifactAsync(taxi, v.Version));
        Assert.Equal("{}"u8.ToArray(), (await registry.GetReferenceProfileAsync(taxi, v.Version))!.Content.ToArray());
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.artifacts"));
        string[] files = Directory.GetFiles(directory.Path, "*", SearchOption.AllDirectories);
        Assert.Equal(2, files.Length);
        string model = Assert.Single(files, f => f.EndsWith("model.zip", StringComparison.Ordinal));

        byte[] tampered = await File.ReadAllBytesAsync(model);
        tampered[5] ^= 0xFF;
        await File.WriteAllBytesAsync(model, tampered);
        await Assert.ThrowsAsync<ArtifactIntegrityException>(() => registry.ReadArtifactAsync(taxi, v.Version));
    }

    [Fact]
    public async Task Registry_LongArtifactPathWithAConfiguredStore_StoresItUnderAHashedKeyWithinTheStoreLimit()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        using var directory = new TempDirectory();
        await using PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(schema, o => o.ArtifactStore = new FileSystemArtifactStore(directory.Path));
        ModelName name = ModelName.Parse(new string('m', ModelName.MaxLength));
        string path = string.Join('/', Enumerable.Repeat(new string('p', 255), 4));

        RegisteredModelVersion v = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes("long"u8.ToArray(), path)]));

        string key = await schema.ScalarAsync<string>($"SELECT artifacts -> 0 ->> 'key' FROM __schema__.model_versions WHERE version = {v.Version.Number}");
        Assert.True(ModelArtifact.IsValidPath(key), key);
        Assert.Contains("/long-paths/", key, StringComparison.Ordinal);
        Assert.Equal(path, Assert.Single(v.Artifacts).Path);
        Assert.Equal("long"u8.ToArray(), await registry.ReadArtifactAsync(name, v.Version, path));
    }

    [Fact]
    public async Task Registry_RefusedFileSet_UploadsNothing()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(schema);
        await registry.EnsureInitializedAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => registry.RegisterVersionAsync(new RegisterVersionRequest(ModelName.Parse("taxi"),
            [ModelArtifact.FromBytes(new byte[] { 1 }, "Model.zip"), ModelArtifact.FromBytes(new byte[] { 2 }, "model.zip")]) { PrimaryArtifactPath = "model.zip" }));

        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.artifacts"));
        Assert.Equal(0L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.models"));
    }
}
