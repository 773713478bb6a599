using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

/// <summary>
/// Half-done writes (a full disk, a file size limit): every mutating operation is failed at each instrumented step of its
/// writes, in turn. Each attempt must either change nothing and throw <see cref="ModelRegistryException"/>
/// (<see cref="RegistryErrorCode.Storage"/>, the cause inside), or succeed with its audit event recorded exactly once;
/// a retry after a failure must then succeed and record the change once (never a double promotion). A registration that
/// fails after its number was allocated leaves the version <see cref="ModelVersionStatus.Failed"/>, never Pending.
/// </summary>
public sealed class FileSystemRegistryStorageFailureTests : IDisposable, IClassFixture<CorruptionBaseline>
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private static readonly ModelAlias Staging = ModelAlias.Parse("staging");

    // A rename is the commit point and the directory flush after it never throws (DirectorySync.Flush returns false):
    // nothing can fail there, so no failure is injected at those points (the multi-process tests kill a writer there).
    private static readonly HashSet<string> CannotFail = ["renamed", "directory-flushed", "artifact-renamed"];

    private readonly CorruptionBaseline _baseline;
    private readonly TempDirectory _directory = new();

    public FileSystemRegistryStorageFailureTests(CorruptionBaseline baseline) => _baseline = baseline;

    /// <summary>The mutating operations: (what it does, the audit action it records).</summary>
    private static readonly Dictionary<string, (Func<FileSystemModelRegistry, string, Task> Run, string Action)> Operations = new()
    {
        ["CreateModel"] = ((r, _) => r.CreateModelAsync(new CreateModelRequest(ModelName.Parse("other"))), AuditActions.ModelCreated),
        ["RegisterNewModel"] = ((r, _) => r.RegisterVersionAsync(new RegisterVersionRequest(ModelName.Parse("other"), [ModelArtifact.FromBytes("o"u8.ToArray())])), AuditActions.VersionCreated),
        ["Register"] = ((r, _) => r.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("3"u8.ToArray())])
        {
            ReferenceProfile = new ReferenceProfileBlob("application/json", "{}"u8.ToArray()),
        }), AuditActions.VersionCreated),
        ["UpdateModel"] = ((r, _) => r.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = "updated" }), AuditActions.ModelUpdated),
        ["UpdateVersion"] = ((r, _) => r.UpdateVersionAsync(new UpdateVersionRequest(Taxi, new ModelVersion(1)) { Description = "updated" }), AuditActions.VersionUpdated),
        ["SetReferenceProfile"] = ((r, _) => r.SetReferenceProfileAsync(Taxi, new ModelVersion(1), new ReferenceProfileBlob("application/json", "{}"u8.ToArray())), AuditActions.ReferenceProfileSet),
        ["Promote"] = ((r, _) => r.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), Staging)), AuditActions.AliasPromoted),
        ["Rollback"] = ((r, _) => r.RollbackAsync(new RollbackRequest(Taxi, ModelAlias.Champion)), AuditActions.AliasRolledBack),
        ["RemoveAlias"] = ((r, _) => r.RemoveAliasAsync(new RemoveAliasRequest(Taxi, ModelAlias.Champion)), AuditActions.AliasRemoved),
        ["RequestApproval"] = ((r, _) => r.RequestApprovalAsync(new ApprovalRequest(Taxi, new ModelVersion(1), Staging)), AuditActions.ApprovalRequested),
        ["DecideApproval"] = ((r, id) => r.DecideApprovalAsync(new ApprovalDecision(Taxi, id, Approve: true) { Actor = "bob" }), AuditActions.ApprovalDecided),
    };

    public static TheoryData<string> OperationNames() => [.. Operations.Keys];

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task Operation_FailingAtEachStepOfItsWrites_ChangesNothingOrEverythingAndIsSafeToRetry(string operation)
    {
        (Func<FileSystemModelRegistry, string, Task> run, string action) = Operations[operation];
        List<string> points = await CountPointsAsync(run);
        Assert.True(points.Count(p => !CannotFail.Contains(p)) >= 2, $"{operation}: only {string.Join(", ", points)}");
        bool register = operation.StartsWith("Register", StringComparison.Ordinal);
        int failed = 0;
        for (int k = 0; k < points.Count; k++)
        {
            if (CannotFail.Contains(points[k]))
            {
                continue;
            }

            string at = $"{operation}: failing at step {k + 1} ({points[k]})";
            using var copy = new TempDirectory();
            FileSystemRegistryCorruptionTests.CopyDirectory(_baseline.Path, copy.Path);
            using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = copy.Path, WatchForChanges = false, DefaultActor = "tester" });
            var before = DirectorySnapshot.Files(copy.Path);
            int auditBefore = await CountAsync(registry, action);
            int seen = 0;
            registry.Fault = point =>
            {
                if (seen++ == k)
                {
                    throw new IOException("simulated: no space left on device");
                }
            };

            Exception? thrown = await Record.ExceptionAsync(() => run(registry, _baseline.ApprovalId));
            registry.Fault = null;

            if (thrown is null)
            {
                // Everything: the change is made and its audit event recorded exactly once.
                Assert.True(auditBefore + 1 == await CountAsync(registry, action), at + ": succeeded, so its audit event must be recorded once");
            }
            else
            {
                failed++;
                var ex = Assert.IsType<ModelRegistryException>(thrown, exactMatch: false);
                Assert.True(ex.ErrorCode == RegistryErrorCode.Storage && ex.InnerException is IOException, $"{at}: {ex}");
                if (register)
                {
                    // The number may be taken; then the version is Failed, never Pending, and never served.
                    Assert.DoesNotContain(await ListAllVersionsAsync(registry), v => v.Status == ModelVersionStatus.Pending);
                    Assert.Equal(new ModelVersion(2), (await registry.ResolveAsync(ModelReference.ForLatest(Taxi)))?.Version);
                }
                else
                {
                    // Nothing: every file as it was.
                    Assert.True(before.SequenceEqual(DirectorySnapshot.Files(copy.Path)), at + ": failed, so nothing may have changed");
                }

                // Safe to retry: the retry succeeds and the change is recorded once.
                await run(registry, _baseline.ApprovalId);
                int expected = auditBefore + (register ? (await ListAllVersionsAsync(registry)).Count(v => v.Version.Number > 2 || v.Name != Taxi) : 1);
                Assert.True(expected == await CountAsync(registry, action), at + ": the retry must record the change once");
            }

            AliasHistoryEntry[] history = [.. await registry.GetAliasHistoryAsync(Taxi)];
            Assert.True(history.Length <= 3, at + ": an alias moved twice");
            Assert.DoesNotContain(await ListAllVersionsAsync(registry), v => v.Status == ModelVersionStatus.Pending);
        }

        Assert.True(failed > 0, operation + ": no injected failure made the operation fail");
    }

    [Fact]
    public async Task Promote_AuditAppendFailsAfterTheMove_ThePromotionStandsIsAuditedOnceAndTheNextWriteAppendsTheEvent()
    {
        FileSystemRegistryCorruptionTests.CopyDirectory(_baseline.Path, _directory.Path);
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false, DefaultActor = "tester" });
        string audit = Path.Combine(_directory.Path, "models", "taxi", "audit.jsonl");
        long length = new FileInfo(audit).Length;
        registry.Fault = point =>
        {
            if (point == "audit-appending")
            {
                throw new IOException("simulated: file too large");
            }
        };

        AliasHistoryEntry entry = await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), Staging));
        registry.Fault = null;

        Assert.Equal(new ModelVersion(1), (await registry.GetModelAsync(Taxi))!.Aliases[Staging]);
        Assert.Equal(length, new FileInfo(audit).Length);
        AuditEvent promoted = Assert.Single(await registry.QueryAuditAsync(new AuditQuery { Model = Taxi, Action = AuditActions.AliasPromoted }), e => e.Target.EndsWith("@staging", StringComparison.Ordinal));
        Assert.Equal(entry.Timestamp, promoted.Timestamp);

        await registry.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = "next write" });

        Assert.Contains(File.ReadLines(audit), l => l.Contains("@staging", StringComparison.Ordinal) && l.Contains(AuditActions.AliasPromoted, StringComparison.Ordinal));
        Assert.Single(await registry.QueryAuditAsync(new AuditQuery { Model = Taxi, Action = AuditActions.AliasPromoted }), e => e.Target.EndsWith("@staging", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Register_ArtifactWriteFails_TheVersionIsMarkedFailedAndTheErrorCarriesTheCause()
    {
        FileSystemRegistryCorruptionTests.CopyDirectory(_baseline.Path, _directory.Path);
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false });
        registry.Fault = point =>
        {
            if (point == "artifact-chunk-written")
            {
                throw new ArgumentOutOfRangeException("value", "Specified file length was too large for the file system.");   // what .NET throws on EFBIG
            }
        };

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("3"u8.ToArray())])));

        Assert.Equal(RegistryErrorCode.Storage, ex.ErrorCode);
        Assert.IsType<ArgumentOutOfRangeException>(ex.InnerException);
        Assert.Contains("marked Failed", ex.Message, StringComparison.Ordinal);
        RegisteredModelVersion v3 = (await registry.GetVersionAsync(Taxi, new ModelVersion(3)))!;
        Assert.Equal(ModelVersionStatus.Failed, v3.Status);
        Assert.Contains("too large", v3.StatusMessage, StringComparison.Ordinal);
    }

    private static async Task<List<string>> CountPointsAsync(Func<FileSystemModelRegistry, string, Task> run)
    {
        var fixture = new CorruptionBaseline();
        await fixture.InitializeAsync();
        try
        {
            using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = fixture.Path, WatchForChanges = false, DefaultActor = "tester" });
            var points = new List<string>();
            registry.Fault = points.Add;
            await run(registry, fixture.ApprovalId);
            return points;
        }
        finally
        {
            await fixture.DisposeAsync();
        }
    }

    private static async Task<int> CountAsync(FileSystemModelRegistry registry, string action) =>
        (await registry.QueryAuditAsync(new AuditQuery { Action = action, Limit = 10_000 })).Count;

    private static async Task<List<RegisteredModelVersion>> ListAllVersionsAsync(FileSystemModelRegistry registry)
    {
        var all = new List<RegisteredModelVersion>();
        foreach (RegisteredModel model in await registry.SearchModelsAsync())
        {
            all.AddRange(await registry.ListVersionsAsync(model.Name));
        }

        return all;
    }

    public void Dispose() => _directory.Dispose();
}
