using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// Several real OS processes (this test assembly run as a worker) writing one registry directory: unique, gap-free
/// version numbers; a writer killed at every instrumented step of a registration or promotion, or at a random moment,
/// leaves a registry that reads, verifies and accepts the next version; concurrent promotions with the same expected
/// revision produce exactly one winner.
/// </summary>
[Collection(nameof(MultiProcessCollection))]
public sealed class MultiProcessRegistryTests : IDisposable
{
    private static readonly ModelName Model = ModelName.Parse("taxi");
    private readonly TempDirectory _directory = new();

    private FileSystemModelRegistry Open() => new(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false, LockTimeout = TimeSpan.FromMinutes(2) });

    [Fact]
    public async Task RegisterVersion_FromFourProcessesAndThisOne_AllocatesUniqueGapFreeNumbers()
    {
        const int PerProcess = 10;
        using FileSystemModelRegistry registry = Open();
        await registry.CreateModelAsync(new CreateModelRequest(Model));
        WorkerProcess[] workers = [.. Enumerable.Range(0, 4).Select(_ => WorkerProcess.Start("register", _directory.Path, "taxi", PerProcess.ToString(System.Globalization.CultureInfo.InvariantCulture)))];
        try
        {
            var local = new List<int>();
            for (int i = 0; i < PerProcess; i++)
            {
                local.Add((await registry.RegisterVersionAsync(new RegisterVersionRequest(Model, [ModelArtifact.FromBytes(new byte[] { (byte)i })]))).Version.Number);
            }

            foreach (WorkerProcess worker in workers)
            {
                Assert.True(await worker.WaitForExitAsync() == 0, worker.Error);
            }

            int[] fromWorkers = [.. workers.SelectMany(w => w.OutputLines).Where(l => l.StartsWith("registered ", StringComparison.Ordinal)).Select(l => int.Parse(l[11..], System.Globalization.CultureInfo.InvariantCulture))];
            int[] all = [.. fromWorkers.Concat(local).Order()];
            Assert.Equal(5 * PerProcess, all.Length);
            Assert.Equal(Enumerable.Range(1, 5 * PerProcess), all);                         // unique and gap-free
            IReadOnlyList<RegisteredModelVersion> versions = await registry.ListVersionsAsync(Model);
            Assert.Equal(Enumerable.Range(1, 5 * PerProcess), versions.Select(v => v.Version.Number));
            Assert.All(versions, v => Assert.Equal(ModelVersionStatus.Ready, v.Status));
            Assert.Equal(new ModelVersion(5 * PerProcess), (await registry.GetModelAsync(Model))!.LatestVersion);
            Assert.Equal(5 * PerProcess, (await registry.QueryAuditAsync(new AuditQuery { Model = Model, Action = AuditActions.VersionCreated })).Count);
            Assert.Equal(4, versions.Where(v => v.Params.ContainsKey("pid")).Select(v => v.Params["pid"]).Distinct().Count()); // four other processes wrote
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("register")]
    [InlineData("promote")]
    public async Task Writer_KilledAtEveryInstrumentedStep_LeavesAConsistentRegistry(string operation)
    {
        // Baseline: version 1 serving as champion.
        using (FileSystemModelRegistry registry = Open())
        {
            await registry.RegisterVersionAsync(new RegisterVersionRequest(Model, [ModelArtifact.FromBytes(new byte[] { 42 })]));
            await registry.PromoteAsync(new PromoteRequest(Model, new ModelVersion(1), ModelAlias.Champion));
            if (operation == "promote")
            {
                await registry.RegisterVersionAsync(new RegisterVersionRequest(Model, [ModelArtifact.FromBytes(new byte[] { 43 })]));
            }
        }

        // How many instrumented steps the operation has (temp written, flushed, renamed, audit appended, artifact chunks, …).
        int steps = await CountStepsAsync(operation);
        Assert.True(steps >= 4, $"only {steps} instrumented steps");
        var killedAt = new List<string>();
        for (int k = 1; k <= steps; k++)
        {
            using WorkerProcess worker = WorkerProcess.Start("crash", _directory.Path, "taxi", operation, k.ToString(System.Globalization.CultureInfo.InvariantCulture));
            int exitCode = await worker.WaitForExitAsync();
            string? killed = worker.OutputLines.FirstOrDefault(l => l.StartsWith("killing at ", StringComparison.Ordinal));
            Assert.True(killed is not null && exitCode != 0, $"step {k}: expected the worker to kill itself; exit {exitCode}, stdout: {string.Join(" | ", worker.OutputLines)} stderr: {worker.Error}");
            killedAt.Add(killed[11..]);

            IReadOnlyList<RegisteredModelVersion> versions = await RegistryConsistency.AssertConsistentAsync(_directory.Path, Model);
            using FileSystemModelRegistry registry = Open();
            ModelVersion champion = (await registry.GetModelAsync(Model))!.Aliases[ModelAlias.Champion];
            Assert.Contains(versions, v => v.Version == champion && v.Status == ModelVersionStatus.Ready);
        }

        Assert.Contains("temp-written", killedAt);
        Assert.Contains("renamed", killedAt);
        Assert.Contains("audit-appended", killedAt);
        if (operation == "register")
        {
            Assert.Contains("artifact-chunk-written", killedAt);
            Assert.Contains("version-pending-written", killedAt);
        }
    }

    [Fact]
    public async Task Writer_KilledAtRandomMoments_LeavesAConsistentRegistry()
    {
        using (FileSystemModelRegistry registry = Open())
        {
            await registry.CreateModelAsync(new CreateModelRequest(Model));
        }

        for (int round = 0; round < 3; round++)
        {
            using WorkerProcess worker = WorkerProcess.Start("loop", _directory.Path, "taxi");
            int before = worker.OutputLines.Length;
            await Eventually.HoldsAsync(() => worker.OutputLines.Length >= before + 2 + round, "the writer registered a few versions", timeoutSeconds: 120);
            worker.Kill();   // kill -9 while it is writing its next version
            await worker.WaitForExitAsync();

            IReadOnlyList<RegisteredModelVersion> versions = await RegistryConsistency.AssertConsistentAsync(_directory.Path, Model);
            Assert.Contains(versions, v => v.Status == ModelVersionStatus.Ready);
        }
    }

    [Fact]
    public async Task Promote_FromFourProcessesWithTheSameExpectedRevision_ExactlyOneWins()
    {
        using (FileSystemModelRegistry registry = Open())
        {
            for (int i = 0; i < 4; i++)
            {
                await registry.RegisterVersionAsync(new RegisterVersionRequest(Model, [ModelArtifact.FromBytes(new byte[] { (byte)i })]));
            }
        }

        WorkerProcess[] workers = [.. Enumerable.Range(1, 4).Select(v => WorkerProcess.Start("promote", _directory.Path, "taxi", v.ToString(System.Globalization.CultureInfo.InvariantCulture), "champion", "0"))];
        try
        {
            foreach (WorkerProcess worker in workers)
            {
                Assert.True(await worker.WaitForExitAsync() == 0, worker.Error);
            }

            string[] outcomes = [.. workers.Select(w => Assert.Single(w.OutputLines))];
            Assert.Equal(1, outcomes.Count(o => o == "won"));
            Assert.Equal(3, outcomes.Count(o => o == "conflict"));
            using FileSystemModelRegistry check = Open();
            AliasHistoryEntry entry = Assert.Single(await check.GetAliasHistoryAsync(Model, ModelAlias.Champion));
            Assert.Equal(1, entry.Revision);
        }
        finally
        {
            foreach (WorkerProcess worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    private async Task<int> CountStepsAsync(string operation)
    {
        // Count on a copy, so the counting run does not change the registry under test.
        using var copy = new TempDirectory();
        CopyDirectory(_directory.Path, copy.Path);
        using WorkerProcess worker = WorkerProcess.Start("count-faults", copy.Path, "taxi", operation);
        Assert.True(await worker.WaitForExitAsync() == 0, worker.Error);
        string line = Assert.Single(worker.OutputLines, l => l.StartsWith("faults ", StringComparison.Ordinal));
        return int.Parse(line[7..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose() => _directory.Dispose();
}

[CollectionDefinition(nameof(MultiProcessCollection), DisableParallelization = true)]
public sealed class MultiProcessCollection;
