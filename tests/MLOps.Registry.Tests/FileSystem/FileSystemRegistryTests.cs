using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

public sealed class FileSystemRegistryTests : IDisposable
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private readonly TempDirectory _directory = new();

    private FileSystemModelRegistry Open(TimeSpan? lockTimeout = null) =>
        new(new FileSystemRegistryOptions { RootPath = _directory.Path, LockTimeout = lockTimeout ?? TimeSpan.FromSeconds(30), DefaultActor = "tester" });

    private static RegisterVersionRequest Request(string content = "m") =>
        new(Taxi, [ModelArtifact.FromBytes(System.Text.Encoding.UTF8.GetBytes(content))]);

    [Fact]
    public async Task FirstWrite_CreatesSchemaAndHumanReadableJsonMetadata()
    {
        using FileSystemModelRegistry registry = Open();
        await registry.RegisterVersionAsync(Request() with { Metrics = new Dictionary<string, double> { ["r2"] = 0.9 } });
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion) { Reason = "first" });

        using JsonDocument schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory.Path, "schema.json")));
        Assert.Equal(FileSystemModelRegistry.CurrentSchemaVersion, schema.RootElement.GetProperty("schemaVersion").GetInt32());
        string modelJson = File.ReadAllText(Path.Combine(_directory.Path, "models", "taxi", "model.json"));
        Assert.Contains("\"champion\": 1", modelJson, StringComparison.Ordinal);
        Assert.Contains("\"reason\": \"first\"", modelJson, StringComparison.Ordinal);
        string versionJson = File.ReadAllText(Path.Combine(_directory.Path, "models", "taxi", "versions", "1.json"));
        Assert.Contains("\"status\": \"Ready\"", versionJson, StringComparison.Ordinal);
        Assert.Contains("\"r2\": 0.9", versionJson, StringComparison.Ordinal);
        Assert.Contains("\"createdBy\": \"tester\"", versionJson, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_directory.Path, "artifacts", "taxi", "1", "files", "model.zip")));
    }

    [Fact]
    public async Task NewerSchema_ThrowsUnsupportedRegistrySchemaExceptionOnReadAndWriteAndWritesNothing()
    {
        File.WriteAllText(Path.Combine(_directory.Path, "schema.json"), "{\"schemaVersion\": 99}");
        var before = DirectorySnapshot.Take(_directory.Path);
        using FileSystemModelRegistry registry = Open();

        var read = await Assert.ThrowsAsync<UnsupportedRegistrySchemaException>(() => registry.GetModelAsync(Taxi));
        var write = await Assert.ThrowsAsync<UnsupportedRegistrySchemaException>(() => registry.RegisterVersionAsync(Request()));

        Assert.Equal(99, read.FoundVersion);
        Assert.Equal(FileSystemModelRegistry.CurrentSchemaVersion, write.SupportedVersion);
        Assert.Contains("99", write.Message, StringComparison.Ordinal);
        Assert.Equal(RegistryErrorCode.UnsupportedSchema, write.ErrorCode);
        Assert.Equal(before, DirectorySnapshot.Take(_directory.Path));
    }

    [Fact]
    public async Task BadInput_ThrowsClearExceptionsAndLeavesTheDirectoryUnchanged()
    {
        using FileSystemModelRegistry registry = Open();
        await registry.RegisterVersionAsync(Request() with { Params = new Dictionary<string, string> { ["trees"] = "100" } });
        var before = DirectorySnapshot.Take(_directory.Path);

        Assert.Contains("not a valid model name", Assert.Throws<ArgumentException>(() => ModelName.Parse("../etc")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelName.Parse("/abs"));
        Assert.Contains("reserved", Assert.Throws<ArgumentException>(() => ModelAlias.Parse("latest")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelAlias.Parse("v2"));
        Assert.Contains("'../'", Assert.Throws<ArgumentException>(() => ModelArtifact.FromBytes(new byte[] { 1 }, "../../outside.zip")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => ModelArtifact.FromBytes(new byte[] { 1 }, "/tmp/abs.zip"));
        Assert.Throws<ArgumentException>(() => ModelArtifact.FromFile("/tmp/x.zip", "a/../../b.zip"));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.OpenArtifactAsync(Taxi, new ModelVersion(1), "../../schema.json"));
        Assert.Throws<ArgumentException>(() => registry.Artifacts.PathOf("taxi/../../x"));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.RegisterVersionAsync(new RegisterVersionRequest(default, [ModelArtifact.FromBytes(new byte[] { 1 })])));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), default)));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.UpdateModelAsync(new UpdateModelRequest(Taxi) { SetTags = new Dictionary<string, string> { [""] = "x" } }));
        await Assert.ThrowsAsync<ArgumentException>(() => registry.CreateModelAsync(new CreateModelRequest(ModelName.Parse("other")) { Actor = " " }));
        var param = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.UpdateVersionAsync(new UpdateVersionRequest(Taxi, new ModelVersion(1))
        {
            Params = new Dictionary<string, string> { ["trees"] = "200" },
        }));
        Assert.Equal(RegistryErrorCode.ParamAlreadyLogged, param.ErrorCode);
        Assert.Contains("write-once", param.Message, StringComparison.Ordinal);

        Assert.Equal(before, DirectorySnapshot.Take(_directory.Path));
    }

    [Fact]
    public async Task RegisterVersion_PathWhoseReadableKeyIsTooLong_IsStoredUnderLongPathsByHashAndTheVersionKeepsTheLogicalPath()
    {
        using FileSystemModelRegistry registry = Open();
        const string Prefix = "taxi/1/files/";
        // The longest path that keeps the readable layout (its key is exactly the store's limit) and one character more.
        string fits = string.Join('/', Enumerable.Repeat(new string('f', 250), 5)).Substring(0, ModelArtifact.MaxPathLength - Prefix.Length);
        string tooLong = fits + "x";
        Assert.True(ModelArtifact.IsValidPath(fits) && ModelArtifact.IsValidPath(tooLong));

        RegisteredModelVersion v = await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi,
            [ModelArtifact.FromBytes("fits"u8.ToArray(), fits), ModelArtifact.FromBytes("long"u8.ToArray(), tooLong), ModelArtifact.FromBytes("m"u8.ToArray())]));

        string versionDir = Path.Combine(_directory.Path, "artifacts", "taxi", "1");
        Assert.Equal("fits", File.ReadAllText(Path.Combine(versionDir, "files", fits.Replace('/', Path.DirectorySeparatorChar))));
        Assert.Equal("m", File.ReadAllText(Path.Combine(versionDir, "files", "model.zip")));
        string hashed = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tooLong)));
        Assert.Equal("long", File.ReadAllText(Path.Combine(versionDir, "long-paths", hashed)));
        Assert.Equal(3, Directory.EnumerateFiles(versionDir, "*", SearchOption.AllDirectories).Count());   // no temporary files left
        string versionJson = File.ReadAllText(Path.Combine(_directory.Path, "models", "taxi", "versions", "1.json"));
        Assert.Contains($"\"path\": \"{tooLong}\"", versionJson, StringComparison.Ordinal);
        Assert.DoesNotContain(hashed, versionJson, StringComparison.Ordinal);
        Assert.Equal("long"u8.ToArray(), await registry.ReadArtifactAsync(Taxi, v.Version, tooLong));
    }

    [Fact]
    public async Task RegisterVersion_ArtifactsThatCannotFormAFileTree_AreRefusedBeforeAnythingIsWritten()
    {
        using FileSystemModelRegistry registry = Open();
        await registry.RegisterVersionAsync(Request());
        var before = DirectorySnapshot.Take(_directory.Path);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi,
            [ModelArtifact.FromBytes(new byte[] { 1 }, "model.zip"), ModelArtifact.FromBytes(new byte[] { 2 }, "model.zip/inner.bin")])));

        Assert.Equal("request", ex.ParamName);
        Assert.Equal(before, DirectorySnapshot.Take(_directory.Path));
        Assert.Equal(new ModelVersion(2), (await registry.RegisterVersionAsync(Request("2"))).Version);   // the refused request used no number
    }

    [Fact]
    public async Task Write_WhileAnotherHolderKeepsTheLockFile_TimesOutWithLockTimeoutAndReadsStillWork()
    {
        using (FileSystemModelRegistry setup = Open())
        {
            await setup.RegisterVersionAsync(Request());
        }

        using FileSystemModelRegistry registry = Open(lockTimeout: TimeSpan.FromMilliseconds(300));
        using (new FileStream(Path.Combine(_directory.Path, "registry.lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion)));
            Assert.Equal(RegistryErrorCode.LockTimeout, ex.ErrorCode);
            Assert.Contains("registry.lock", ex.Message, StringComparison.Ordinal);
            Assert.NotNull(await registry.GetVersionAsync(Taxi, new ModelVersion(1)));
        }

        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
        Assert.Equal(new ModelVersion(1), (await registry.GetModelAsync(Taxi))!.Aliases[ModelAlias.Champion]);
    }

    [Fact]
    public async Task Audit_WithATornLastLine_SkipsItAndTheNextAppendRepairsTheFile()
    {
        using FileSystemModelRegistry registry = Open();
        await registry.RegisterVersionAsync(Request());
        string audit = Path.Combine(_directory.Path, "models", "taxi", "audit.jsonl");
        int events = (await registry.QueryAuditAsync()).Count;
        await File.AppendAllTextAsync(audit, "{\"timestamp\":\"2026-11-26T07:00:00Z\",\"actor\":\"half");   // a writer killed mid-append

        Assert.Equal(events, (await registry.QueryAuditAsync()).Count);
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));

        Assert.Equal(events + 1, (await registry.QueryAuditAsync()).Count);
        Assert.All(File.ReadAllLines(audit), line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task CreateModel_NameDifferingOnlyInCase_IsRefusedAndTheFirstModelIsUntouched()
    {
        using FileSystemModelRegistry registry = Open();
        await registry.RegisterVersionAsync(Request());
        ModelName upper = ModelName.Parse("TAXI");

        var create = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.CreateModelAsync(new CreateModelRequest(upper)));
        var register = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.RegisterVersionAsync(new RegisterVersionRequest(upper, [ModelArtifact.FromBytes("m"u8.ToArray())])));

        Assert.Equal(RegistryErrorCode.AlreadyExists, create.ErrorCode);
        Assert.Equal(RegistryErrorCode.AlreadyExists, register.ErrorCode);
        Assert.Contains("'taxi'", create.Message, StringComparison.Ordinal);
        Assert.Equal(["taxi"], (await registry.SearchModelsAsync()).Select(m => m.Name.Value));
        Assert.Single(await registry.ListVersionsAsync(Taxi));
        Assert.False(Directory.Exists(Path.Combine(_directory.Path, "models", "TAXI")));
    }

    [Fact]
    public async Task ReadModel_FileOfAnotherSpelling_AsOnACaseInsensitiveFileSystem_IsNotThisModelAndIsNotWrittenTo()
    {
        // What Windows and macOS do: models/TAXI/model.json opens the file of the model named "taxi". Simulated on Linux
        // by a copy of taxi's directory under the other spelling.
        using FileSystemModelRegistry registry = Open();
        await registry.RegisterVersionAsync(Request());
        string models = Path.Combine(_directory.Path, "models");
        Directory.CreateDirectory(Path.Combine(models, "TAXI"));
        File.Copy(Path.Combine(models, "taxi", "model.json"), Path.Combine(models, "TAXI", "model.json"));
        string before = await File.ReadAllTextAsync(Path.Combine(models, "TAXI", "model.json"));
        ModelName upper = ModelName.Parse("TAXI");

        Assert.Null(await registry.GetModelAsync(upper));
        var register = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.RegisterVersionAsync(new RegisterVersionRequest(upper, [ModelArtifact.FromBytes("m"u8.ToArray())])));

        Assert.Equal(RegistryErrorCode.AlreadyExists, register.ErrorCode);
        Assert.Equal(before, await File.ReadAllTextAsync(Path.Combine(models, "TAXI", "model.json")));
    }

    [Fact]
    public async Task StrayTempFiles_OfAKilledWriter_AreIgnoredByReaders()
    {
        using FileSystemModelRegistry registry = Open();
        await registry.RegisterVersionAsync(Request());
        string versions = Path.Combine(_directory.Path, "models", "taxi", "versions");
        await File.WriteAllTextAsync(Path.Combine(versions, ".2.json.tmp-0123"), "{\"half");
        await File.WriteAllTextAsync(Path.Combine(_directory.Path, "models", "taxi", ".model.json.tmp-0123"), "{");

        Assert.Single(await registry.ListVersionsAsync(Taxi));
        Assert.Equal(new ModelVersion(2), (await registry.RegisterVersionAsync(Request("2"))).Version);
    }

    [Fact]
    public async Task RegisterVersion_WriteFailsAfterThePendingVersionFile_MarksItFailedAndTheNextRegistrationSkipsTheNumber()
    {
        using FileSystemModelRegistry registry = Open();
        await registry.RegisterVersionAsync(Request());
        registry.Fault = point =>
        {
            if (point == "version-pending-written")
            {
                throw new IOException("simulated disk full");
            }
        };
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.RegisterVersionAsync(Request("2")));
        registry.Fault = null;

        Assert.Equal(RegistryErrorCode.Storage, ex.ErrorCode);
        Assert.IsType<IOException>(ex.InnerException);
        RegisteredModelVersion next = await registry.RegisterVersionAsync(Request("3"));

        Assert.Equal(new ModelVersion(3), next.Version);
        Assert.Equal([ModelVersionStatus.Ready, ModelVersionStatus.Failed, ModelVersionStatus.Ready], (await registry.ListVersionsAsync(Taxi)).Select(v => v.Status));
        Assert.Equal(new ModelVersion(3), (await registry.ResolveAsync(ModelReference.ForLatest(Taxi)))!.Version);
    }

    [Fact]
    public async Task RegisterVersion_ArtifactStreamFails_MarksTheVersionFailedAndRethrows()
    {
        using FileSystemModelRegistry registry = Open();
        var request = new RegisterVersionRequest(Taxi, [ModelArtifact.FromStream(_ => throw new IOException("disk gone"))]);

        await Assert.ThrowsAsync<IOException>(() => registry.RegisterVersionAsync(request));

        RegisteredModelVersion failed = (await registry.GetVersionAsync(Taxi, new ModelVersion(1)))!;
        Assert.Equal(ModelVersionStatus.Failed, failed.Status);
        Assert.Equal("disk gone", failed.StatusMessage);
        Assert.Null(await registry.ResolveAsync(ModelReference.ForLatest(Taxi)));
        var promote = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion)));
        Assert.Equal(RegistryErrorCode.InvalidState, promote.ErrorCode);
        Assert.Contains(await registry.QueryAuditAsync(), e => e.Action == AuditActions.VersionStatusChanged && e.After == "Failed");
    }

    [Fact]
    public async Task ReadsOfAMissingDirectory_ReturnEmptyAndCreateNothing()
    {
        string root = Path.Combine(_directory.Path, "not-yet");
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = root, WatchForChanges = false });

        Assert.Empty(await registry.SearchModelsAsync());
        Assert.Null(await registry.GetModelAsync(Taxi));
        Assert.Empty(await registry.QueryAuditAsync());
        Assert.False(Directory.Exists(root));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsListingEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = " ", LockTimeout = TimeSpan.Zero }));
        Assert.Contains("RootPath", ex.Message, StringComparison.Ordinal);
        Assert.Contains("LockTimeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddFileSystemRegistry_InvalidOptions_FailOnStart()
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddFileSystemRegistry(o =>
        {
            o.RootPath = "";
            o.LockTimeout = TimeSpan.FromHours(2);
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(ex.Failures, f => f.Contains("RootPath", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("LockTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void AddFileSystemRegistry_Twice_RegistersOneRegistryWithBothConfigurations()
    {
        var services = new ServiceCollection();
        services.AddMLOps().AddFileSystemRegistry(o => o.RootPath = _directory.Path).AddFileSystemRegistry(o => o.DefaultActor = "svc");
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.Single(services, d => d.ServiceType == typeof(IModelRegistry));
        var instrumented = Assert.IsType<MLOps.Registry.Internal.InstrumentedModelRegistry>(provider.GetRequiredService<IModelRegistry>());
        var registry = Assert.IsType<FileSystemModelRegistry>(instrumented.Inner);
        Assert.Equal(Path.GetFullPath(_directory.Path), registry.RootPath);
        Assert.Same(registry, provider.GetRequiredService<FileSystemModelRegistry>());
        Assert.Equal("svc", provider.GetRequiredService<IOptions<FileSystemRegistryOptions>>().Value.DefaultActor);
    }

    public void Dispose() => _directory.Dispose();
}
