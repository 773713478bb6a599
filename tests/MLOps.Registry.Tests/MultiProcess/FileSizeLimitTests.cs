using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// A real full disk, simulated as in the issue that found the half-done writes: a worker process runs one operation
/// under <c>ulimit -f</c>, so writes past the limit fail with EFBIG (.NET: <see cref="ArgumentOutOfRangeException"/>,
/// "Specified file length was too large"). Linux only (bash's <c>ulimit</c>); elsewhere the tests return at once.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class FileSizeLimitTests : IDisposable
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private static readonly ModelAlias Staging = ModelAlias.Parse("staging");
    private readonly TempDirectory _directory = new();

    private FileSystemModelRegistry Open() => new(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false, DefaultActor = "tester" });

    [Fact]
    public async Task AuditLogPastTheLimit_PromoteAndRegisterSucceed_AreAuditedOnce_AndTheNextWriteAppendsTheEvents()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        await SetUpAsync(modelDescriptionLength: 0);
        string audit = Path.Combine(_directory.Path, "models", "taxi", "audit.jsonl");
        long auditLength = new FileInfo(audit).Length;

        // 64 KiB: model and version files fit, the 300 KB audit log cannot grow.
        Assert.Equal("ok", await RunLimitedAsync(64, "promote-staging"));
        Assert.Equal("ok", await RunLimitedAsync(64, "register-small"));

        Assert.Equal(auditLength, new FileInfo(audit).Length);   // nothing could be appended
        using FileSystemModelRegistry registry = Open();
        Assert.Equal(new ModelVersion(1), (await registry.GetModelAsync(Taxi))!.Aliases[Staging]);
        Assert.Equal(ModelVersionStatus.Ready, (await registry.GetVersionAsync(Taxi, new ModelVersion(3)))!.Status);
        Assert.Single(await registry.QueryAuditAsync(new AuditQuery { Model = Taxi, Action = AuditActions.AliasPromoted, Limit = 10_000 }), e => e.Target == "taxi@staging");
        Assert.Single(await registry.QueryAuditAsync(new AuditQuery { Model = Taxi, Action = AuditActions.VersionCreated, Limit = 10_000 }), e => e.Target == "taxi/3");

        // Without the limit, the next writes append what was deferred, once.
        await registry.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = "disk freed" });
        await registry.UpdateVersionAsync(new UpdateVersionRequest(Taxi, new ModelVersion(3)) { Description = "disk freed" });
        string[] lines = await File.ReadAllLinesAsync(audit);
        Assert.Single(lines, l => l.Contains("\"target\":\"taxi@staging\"", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("\"target\":\"taxi/3\"", StringComparison.Ordinal) && l.Contains(AuditActions.VersionCreated, StringComparison.Ordinal));
        await RegistryConsistency.AssertConsistentAsync(_directory.Path, Taxi);
    }

    [Fact]
    public async Task ModelFilePastTheLimit_PromoteChangesNothing_RegisterMarksTheVersionFailed_BothThrowStorageWithTheCause()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        await SetUpAsync(modelDescriptionLength: 6000);   // model.json > 6 KB, version files < 2 KB
        var before = DirectorySnapshot.Files(_directory.Path);

        string promote = await RunLimitedAsync(4, "promote-staging");

        Assert.StartsWith("registry-exception Storage ", promote, StringComparison.Ordinal);
        Assert.True(promote.EndsWith("ArgumentOutOfRangeException", StringComparison.Ordinal) || promote.EndsWith("IOException", StringComparison.Ordinal), promote);
        Assert.Equal(before, DirectorySnapshot.Files(_directory.Path));   // nothing: a retry cannot promote twice

        string register = await RunLimitedAsync(4, "register-small");

        Assert.StartsWith("registry-exception Storage ", register, StringComparison.Ordinal);
        using FileSystemModelRegistry registry = Open();
        IReadOnlyList<RegisteredModelVersion> versions = await registry.ListVersionsAsync(Taxi);
        Assert.DoesNotContain(versions, v => v.Status == ModelVersionStatus.Pending);
        Assert.All(versions.Where(v => v.Version.Number > 2), v => Assert.Equal(ModelVersionStatus.Failed, v.Status));
        Assert.Equal(new ModelVersion(2), (await registry.ResolveAsync(ModelReference.ForLatest(Taxi)))!.Version);

        // Safe to retry once the disk has room: one promotion, a new ready version.
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), Staging));
        RegisteredModelVersion retried = await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("r"u8.ToArray())]));
        Assert.Equal(ModelVersionStatus.Ready, retried.Status);
        Assert.Single(await registry.GetAliasHistoryAsync(Taxi, Staging));
        await RegistryConsistency.AssertConsistentAsync(_directory.Path, Taxi);
    }

    private async Task SetUpAsync(int modelDescriptionLength)
    {
        using (FileSystemModelRegistry registry = Open())
        {
            await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("1"u8.ToArray())]));
            await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("2"u8.ToArray())]));
            await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
            if (modelDescriptionLength > 0)
            {
                await registry.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = new string('d', modelDescriptionLength) });
            }
        }

        // A long audit log (valid events), so it is the first file to reach a limit of tens of KiB.
        const string Line = "{\"timestamp\":\"2026-01-01T00:00:00+00:00\",\"actor\":\"history\",\"action\":\"ModelUpdated\",\"model\":\"taxi\",\"target\":\"taxi\"}\n";
        await File.AppendAllTextAsync(Path.Combine(_directory.Path, "models", "taxi", "audit.jsonl"), string.Concat(Enumerable.Repeat(Line, 3000)));
    }

    private async Task<string> RunLimitedAsync(int limitKiB, string operation)
    {
        using WorkerProcess worker = WorkerProcess.Start(limitKiB, "limited", _directory.Path, "taxi", operation);
        int exit = await worker.WaitForExitAsync();
        Assert.True(exit == 0, $"exit {exit}; stdout: {string.Join(" | ", worker.OutputLines)} stderr: {worker.Error}");
        string outcome = Assert.Single(worker.OutputLines);
        Assert.False(outcome.StartsWith("other-exception", StringComparison.Ordinal), outcome + " " + worker.Error);
        return outcome;
    }

    public void Dispose() => _directory.Dispose();
}
