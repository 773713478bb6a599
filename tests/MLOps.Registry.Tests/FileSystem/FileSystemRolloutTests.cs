using System.Text.Json.Nodes;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.FileSystem;

/// <summary>
/// What the file-system rollout store adds to the conformance suite: rollouts live in <c>model.json</c>, so a promotion's
/// alias move and the end of the rollout are one atomic replace (never one without the other, whatever write fails), and
/// a <c>model.json</c> whose rollouts are wrong is reported as corrupt, never used.
/// </summary>
public sealed class FileSystemRolloutTests : IDisposable
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private static readonly HashSet<string> CannotFail = ["renamed", "directory-flushed"];

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Promotion_FailingAtEachStepOfItsWrites_MovesTheAliasAndEndsTheRolloutTogetherOrNeither()
    {
        Rollout rollout = await SeedAsync(_directory.Path);
        var points = new List<string>();
        using (var probe = Open(Copy(out TempDirectory probeCopy)))
        using (probeCopy)
        {
            probe.Fault = points.Add;
            await Promote(probe, rollout.Id);
        }

        Assert.Contains("temp-written", points);
        for (int k = 0; k < points.Count; k++)
        {
            if (CannotFail.Contains(points[k]))
            {
                continue;
            }

            using var registry = Open(Copy(out TempDirectory copy));
            using (copy)
            {
                var before = DirectorySnapshot.Files(copy.Path);
                int seen = 0;
                registry.Fault = point =>
                {
                    if (seen++ == k)
                    {
                        throw new IOException("simulated: no space left on device");
                    }
                };

                Exception? thrown = await Record.ExceptionAsync(() => Promote(registry, rollout.Id));
                registry.Fault = null;

                string at = $"failing at step {k + 1} ({points[k]})";
                ModelVersion holder = (await registry.GetModelAsync(Taxi))!.Aliases[ModelAlias.Champion];
                Rollout read = (await registry.GetRolloutAsync(Taxi, rollout.Id))!;
                if (thrown is null)
                {
                    Assert.True((new ModelVersion(2), RolloutState.Succeeded) == (holder, read.State), at);
                    IReadOnlyList<AuditEvent> audit = await registry.QueryAuditAsync(new AuditQuery { Model = Taxi });
                    Assert.Single(audit, e => e.Action == AuditActions.AliasPromoted && e.After == "2");
                    Assert.Single(audit, e => e.Action == AuditActions.RolloutDecided);
                }
                else
                {
                    var ex = Assert.IsType<ModelRegistryException>(thrown, exactMatch: false);
                    Assert.True(ex.ErrorCode == RegistryErrorCode.Storage, $"{at}: {ex}");
                    Assert.True((new ModelVersion(1), RolloutState.Progressing) == (holder, read.State), at);
                    Assert.True(before.SequenceEqual(DirectorySnapshot.Files(copy.Path)), at + ": failed, so nothing may have changed");
                    Assert.Equal(RolloutState.Succeeded, (await Promote(registry, rollout.Id)).State);   // safe to retry
                }
            }
        }
    }

    public static TheoryData<string> Corruptions() =>
        ["two active", "null rollouts", "step outside the steps", "weight above 100", "rollout of another model", "unknown state", "no decisions"];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task Read_ModelFileWithWrongRollouts_ThrowsCorruptDataNamingTheFile(string corruption)
    {
        await SeedAsync(_directory.Path);
        string path = Path.Combine(_directory.Path, "models", "taxi", "model.json");
        JsonObject document = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        JsonArray rollouts = document["rollouts"]!.AsArray();
        JsonObject first = rollouts[0]!.AsObject();
        switch (corruption)
        {
            case "two active":
                JsonObject copy = first.DeepClone().AsObject();
                copy["id"] = "another";
                rollouts.Add(copy);
                break;
            case "null rollouts":
                document["rollouts"] = null;
                break;
            case "step outside the steps":
                first["step"] = 7;
                break;
            case "weight above 100":
                first["steps"] = new JsonArray(10, 250);
                break;
            case "rollout of another model":
                first["name"] = "other";
                break;
            case "unknown state":
                first["state"] = 42;
                break;
            default:
                first["decisions"] = null;
                break;
        }

        await File.WriteAllTextAsync(path, document.ToJsonString());
        using var registry = Open(_directory.Path);

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => registry.GetActiveRolloutAsync(Taxi));

        Assert.Equal(RegistryErrorCode.CorruptData, ex.ErrorCode);
        Assert.Contains("model.json", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelFileWithoutRollouts_FromAnEarlierRelease_ReadsAsNoRollouts()
    {
        await SeedAsync(_directory.Path);
        string path = Path.Combine(_directory.Path, "models", "taxi", "model.json");
        JsonObject document = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        document.Remove("rollouts");
        await File.WriteAllTextAsync(path, document.ToJsonString());
        using var registry = Open(_directory.Path);

        Assert.Empty(await registry.ListRolloutsAsync(Taxi));
        Assert.Equal(new ModelVersion(1), (await registry.GetModelAsync(Taxi))!.Aliases[ModelAlias.Champion]);
    }

    [Fact]
    public async Task MaxRolloutDecisions_Configured_KeepsTheFirstAndThatManyLatestAndAReopenedRegistryReadsTheCount()
    {
        Rollout rollout = await SeedAsync(_directory.Path);
        using (var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, WatchForChanges = false, MaxRolloutDecisions = 2 }))
        {
            foreach (string reason in new[] { "a", "b", "c", "d" })
            {
                rollout = await registry.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Held) { Reason = reason });
            }
        }

        using var reopened = Open(_directory.Path);
        Rollout read = (await reopened.GetActiveRolloutAsync(Taxi))!;

        Assert.Equal([RolloutAction.Started, RolloutAction.Held, RolloutAction.Held], read.Decisions.Select(d => d.Action));
        Assert.Equal(["c", "d"], read.Decisions.Skip(1).Select(d => d.Reason));
        Assert.Equal((2L, 5L), (read.DroppedDecisions, read.Revision));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void MaxRolloutDecisions_OutOfRange_IsRefusedNamingTheOption(int value)
    {
        var ex = Assert.Throws<ArgumentException>(() => new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _directory.Path, MaxRolloutDecisions = value }));
        var pg = new MLOps.Registry.Postgres.Internal.PostgresRegistryOptionsValidator().Validate(null, new PostgresRegistryOptions { ConnectionString = "Host=localhost", MaxRolloutDecisions = value });

        Assert.Contains(nameof(FileSystemRegistryOptions.MaxRolloutDecisions), ex.Message, StringComparison.Ordinal);
        Assert.True(pg.Failed);
        Assert.Contains(nameof(PostgresRegistryOptions.MaxRolloutDecisions), pg.FailureMessage, StringComparison.Ordinal);
    }

    private static Task<Rollout> Promote(FileSystemModelRegistry registry, string id) =>
        registry.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, id, RolloutAction.Promoted) { Reason = "checks passed" });

    private static FileSystemModelRegistry Open(string root) =>
        new(new FileSystemRegistryOptions { RootPath = root, WatchForChanges = false, DefaultActor = "tester" });

    private string Copy(out TempDirectory copy)
    {
        copy = new TempDirectory();
        FileSystemRegistryCorruptionTests.CopyDirectory(_directory.Path, copy.Path);
        return copy.Path;
    }

    private static async Task<Rollout> SeedAsync(string root)
    {
        using var registry = Open(root);
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("1"u8.ToArray())]));
        await registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [ModelArtifact.FromBytes("2"u8.ToArray())]));
        await registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(1), ModelAlias.Champion));
        return await registry.StartRolloutAsync(new StartRolloutRequest(Taxi, new ModelVersion(2), RolloutStrategy.Canary));
    }
}
