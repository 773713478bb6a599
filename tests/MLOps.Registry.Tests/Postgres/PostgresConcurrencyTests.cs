using System.Collections.Concurrent;
using MLOps.Registry.Postgres.Internal;

namespace MLOps.Registry.Tests.Postgres;

public class PostgresConcurrencyTests
{
    [Fact]
    public async Task RegisterVersion_EightConnectionsTimesTwentyFive_AllocatesUniqueGapFreeVersions()
    {
        const int Replicas = 8;
        const int PerReplica = 25;
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var registries = new PostgresModelRegistry[Replicas];
        for (int i = 0; i < Replicas; i++)
        {
            registries[i] = PostgresRegistryConformanceTests.Open(schema);   // a connection pool each, like separate replicas
            await registries[i].EnsureInitializedAsync();
        }

        try
        {
            ModelName name = ModelName.Parse("taxi");
            var allocated = new ConcurrentBag<int>();
            var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task[] replicas = [.. registries.Select((registry, r) => Task.Run(async () =>
            {
                await go.Task;
                for (int i = 0; i < PerReplica; i++)
                {
                    RegisteredModelVersion v = await registry.RegisterVersionAsync(
                        new RegisterVersionRequest(name, [ModelArtifact.FromBytes(new byte[] { (byte)r, (byte)i })]) { Actor = "replica-" + r });
                    allocated.Add(v.Version.Number);
                }
            }))];
            go.SetResult();
            await Task.WhenAll(replicas);

            Assert.Equal(Enumerable.Range(1, Replicas * PerReplica), allocated.Order());
            IReadOnlyList<RegisteredModelVersion> listed = await registries[0].ListVersionsAsync(name);
            Assert.Equal(Enumerable.Range(1, Replicas * PerReplica), listed.Select(v => v.Version.Number));
            Assert.All(listed, v => Assert.Equal(ModelVersionStatus.Ready, v.Status));
            Assert.Equal(new ModelVersion(Replicas * PerReplica), (await registries[3].GetModelAsync(name))!.LatestVersion);
            Assert.Equal((long)Replicas * PerReplica, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.artifacts"));
        }
        finally
        {
            foreach (PostgresModelRegistry registry in registries)
            {
                await registry.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task RegisterVersion_ArtifactFailsWhileRead_AllocatesNoNumberAndLeavesNoBlob()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry registry = PostgresRegistryConformanceTests.Open(schema);
        ModelName name = ModelName.Parse("taxi");
        var request = new RegisterVersionRequest(name,
        [
            ModelArtifact.FromBytes(new byte[] { 1, 2, 3 }, "model.zip"),
            ModelArtifact.FromStream(_ => ValueTask.FromResult<Stream>(new FailingStream()), "vocab.txt"),
        ]);

        await Assert.ThrowsAsync<IOException>(() => registry.RegisterVersionAsync(request));
        RegisteredModelVersion next = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(new byte[] { 4 })]));

        Assert.Equal(new ModelVersion(1), next.Version);
        Assert.Equal(1L, await schema.ScalarAsync<long>("SELECT count(*) FROM __schema__.artifacts"));   // the first attempt's blob was deleted
    }

    [Fact]
    public async Task Promote_FromEightRegistriesAtOnce_IsSerializedWithAGapFreeRevisionChain()
    {
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        var registries = new PostgresModelRegistry[8];
        for (int i = 0; i < registries.Length; i++)
        {
            registries[i] = PostgresRegistryConformanceTests.Open(schema);
        }

        try
        {
            ModelName name = ModelName.Parse("taxi");
            ModelAlias champion = ModelAlias.Champion;
            for (int i = 0; i < registries.Length; i++)
            {
                await registries[0].RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(new byte[] { (byte)i })]));
            }

            await Task.WhenAll(registries.Select((registry, i) => Task.Run(() =>
                registry.PromoteAsync(new PromoteRequest(name, new ModelVersion(i + 1), champion) { Actor = "replica-" + i }))));

            IReadOnlyList<AliasHistoryEntry> history = await registries[5].GetAliasHistoryAsync(name, champion);
            Assert.Equal(Enumerable.Range(1, 8).Select(r => (long)r), history.Select(h => h.Revision));
            for (int i = 1; i < history.Count; i++)
            {
                Assert.Equal(history[i - 1].Version, history[i].PreviousVersion);
            }

            Assert.Equal(8, history.Select(h => h.Actor).Distinct().Count());
        }
        finally
        {
            foreach (PostgresModelRegistry registry in registries)
            {
                await registry.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task MixedMutationsOfOneModel_FromTwoRegistriesAtOnce_AllSucceedWithoutDeadlocks()
    {
        // Regression: UpdateVersion locked the version row before the model row while a promotion did the opposite
        // (through the alias's foreign key), which PostgreSQL could abort as a deadlock. Every mutation now locks the
        // model row first.
        await using TestSchema schema = await PostgresTestServer.CreateSchemaAsync();
        await using PostgresModelRegistry a = PostgresRegistryConformanceTests.Open(schema);
        await using PostgresModelRegistry b = PostgresRegistryConformanceTests.Open(schema);
        ModelName name = ModelName.Parse("taxi");
        await a.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(new byte[] { 1 })]));
        await a.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(new byte[] { 2 })]));
        var one = new ModelVersion(1);

        await Task.WhenAll(Enumerable.Range(0, 20).SelectMany(i => new Task[]
        {
            Task.Run(() => (i % 2 == 0 ? a : b).UpdateVersionAsync(new UpdateVersionRequest(name, one) { Metrics = new Dictionary<string, double> { ["m" + i] = i } })),
            Task.Run(() => (i % 2 == 0 ? b : a).PromoteAsync(new PromoteRequest(name, new ModelVersion(1 + (i % 2)), ModelAlias.Champion))),
            Task.Run(() => a.SetReferenceProfileAsync(name, one, new ReferenceProfileBlob("application/json", new byte[] { (byte)i }))),
            Task.Run(() => b.RequestApprovalAsync(new ApprovalRequest(name, one, ModelAlias.Challenger) { Actor = "r" + i })),
            Task.Run(() => a.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(new byte[] { (byte)(10 + i) })]))),
        }));

        Assert.Equal(20, (await a.GetVersionAsync(name, one))!.Metrics.Count);
        Assert.Equal(20, (await b.GetAliasHistoryAsync(name, ModelAlias.Champion)).Count);
        Assert.Equal(20, (await a.ListApprovalsAsync(name)).Count);
        Assert.Equal(22, (await b.ListVersionsAsync(name)).Count);
    }

    private sealed class FailingStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new IOException("disk read failed");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
