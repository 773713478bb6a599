using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using MLOps.Registry.Internal;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Conformance;

/// <summary>
/// The registry metrics every backend reports the same way, through the <see cref="IModelRegistry"/> that dependency
/// injection hands out. A backend's test class derives from this one and adds its registry to the builder.
/// </summary>
public abstract class RegistryMetricsTests : IAsyncLifetime
{
    private static readonly ModelName Taxi = ModelName.Parse("taxi");
    private ServiceProvider? _provider;

    /// <summary>Gets the tag value the backend reports (<c>file_system</c>, <c>postgres</c>).</summary>
    protected abstract string Backend { get; }

    private ServiceProvider Provider => _provider ?? throw new InvalidOperationException("InitializeAsync has not run.");

    private IModelRegistry Registry => Provider.GetRequiredService<IModelRegistry>();

    private IMeterFactory MeterFactory => Provider.GetRequiredService<IMeterFactory>();

    /// <summary>Adds the backend's registry over a fresh, empty store.</summary>
    protected abstract Task AddRegistryAsync(IMLOpsBuilder builder);

    /// <summary>Opens a second registry instance over the same store, without metrics (another process).</summary>
    protected abstract Task<IModelRegistry> OpenSecondInstanceAsync();

    /// <summary>Releases the store.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        await AddRegistryAsync(services.AddMLOps(o => o.ServiceName = "metrics-tests"));
        _provider = services.BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }

        await DisposeStoreAsync();
    }

    private static RegisterVersionRequest Request(string content = "m") => new(Taxi, [ModelArtifact.FromBytes(System.Text.Encoding.UTF8.GetBytes(content))]);

    private static CollectedMeasurement<double> Single(MetricCollector<double> collector, string operation) =>
        Assert.Single(collector.GetMeasurementSnapshot(), m => Equals(m.Tags[MLOpsTelemetry.Tags.RegistryOperation], operation));

    [Fact]
    public void DependencyInjection_IModelRegistry_IsTheInstrumentedBackend()
    {
        var registry = Assert.IsType<InstrumentedModelRegistry>(Registry);

        Assert.Equal(Backend, registry.Backend);
        Assert.Same(registry, Registry);
    }

    [Fact]
    public async Task Operations_Succeeding_RecordDurationTaggedWithOperationBackendAndSuccess()
    {
        using var collector = new MetricCollector<double>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RegistryOperationDuration);

        RegisteredModelVersion v = await Registry.RegisterVersionAsync(Request());
        await Registry.PromoteAsync(new PromoteRequest(Taxi, v.Version, ModelAlias.Champion));
        await Registry.ResolveAsync(ModelReference.ForAlias(Taxi, ModelAlias.Champion));
        Assert.Null(await Registry.GetModelAsync(ModelName.Parse("missing")));   // a read that finds nothing still succeeds
        await Registry.ReadArtifactAsync(Taxi, v.Version);

        foreach (string operation in new[] { "register_version", "promote", "resolve", "get_model", "open_artifact" })
        {
            CollectedMeasurement<double> m = Single(collector, operation);
            Assert.Equal(Backend, m.Tags[MLOpsTelemetry.Tags.RegistryBackend]);
            Assert.Equal("success", m.Tags[MLOpsTelemetry.Tags.Outcome]);
            Assert.False(m.Tags.ContainsKey(MLOpsTelemetry.Tags.ErrorType));
            Assert.True(m.Value >= 0);
            Assert.Equal(3, m.Tags.Count);   // operation, backend, outcome: no model name (bounded whatever callers pass)
        }
    }

    [Fact]
    public async Task Operations_Failing_RecordTheOutcomeAndErrorType()
    {
        RegisteredModelVersion v = await Registry.RegisterVersionAsync(Request());
        await Registry.PromoteAsync(new PromoteRequest(Taxi, v.Version, ModelAlias.Champion));
        using var collector = new MetricCollector<double>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RegistryOperationDuration);

        await Assert.ThrowsAsync<ArgumentException>(() => Registry.RegisterVersionAsync(new RegisterVersionRequest(Taxi, [])));
        await Assert.ThrowsAnyAsync<ModelRegistryException>(() => Registry.PromoteAsync(new PromoteRequest(Taxi, new ModelVersion(9), ModelAlias.Challenger)));
        await Assert.ThrowsAsync<RegistryConflictException>(() => Registry.PromoteAsync(new PromoteRequest(Taxi, v.Version, ModelAlias.Champion) { ExpectedRevision = 7 }));
        await Assert.ThrowsAsync<PromotionRejectedException>(() => Registry.PromoteAsync(new PromoteRequest(Taxi, v.Version, ModelAlias.Challenger)
        {
            Gates = [new MetricThresholdGate("r2", minimum: 0.8)],
        }));
        await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.CreateModelAsync(new CreateModelRequest(Taxi)));

        (string Operation, string Outcome, string ErrorType)[] recorded =
        [
            .. collector.GetMeasurementSnapshot().Select(m => (
                (string)m.Tags[MLOpsTelemetry.Tags.RegistryOperation]!, (string)m.Tags[MLOpsTelemetry.Tags.Outcome]!, (string)m.Tags[MLOpsTelemetry.Tags.ErrorType]!)),
        ];
        Assert.Equal(
            [
                ("register_version", "invalid", typeof(ArgumentException).FullName!),
                ("promote", "not_found", typeof(ModelRegistryException).FullName!),
                ("promote", "conflict", typeof(RegistryConflictException).FullName!),
                ("promote", "rejected", typeof(PromotionRejectedException).FullName!),
                ("create_model", "conflict", typeof(ModelRegistryException).FullName!),
            ],
            recorded);
        Assert.All(collector.GetMeasurementSnapshot(), m => Assert.Equal(Backend, m.Tags[MLOpsTelemetry.Tags.RegistryBackend]));
    }

    [Fact]
    public async Task Operations_Cancelled_RecordCancelled()
    {
        RegisteredModelVersion v = await Registry.RegisterVersionAsync(Request());
        using var collector = new MetricCollector<double>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RegistryOperationDuration);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Registry.GetVersionAsync(Taxi, v.Version, cancelled.Token));

        CollectedMeasurement<double> m = Single(collector, "get_version");
        Assert.Equal("cancelled", m.Tags[MLOpsTelemetry.Tags.Outcome]);
    }

    [Fact]
    public async Task Changes_PublishedByThisProcess_AreCountedByKindBackendAndModel()
    {
        using var collector = new MetricCollector<long>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RegistryChanges);

        RegisteredModelVersion v = await Registry.RegisterVersionAsync(Request());
        await Registry.PromoteAsync(new PromoteRequest(Taxi, v.Version, ModelAlias.Champion));
        await Registry.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = "d" });
        await Assert.ThrowsAsync<RegistryConflictException>(() => Registry.PromoteAsync(new PromoteRequest(Taxi, v.Version, ModelAlias.Champion) { ExpectedRevision = 7 }));

        IReadOnlyList<CollectedMeasurement<long>> changes = collector.GetMeasurementSnapshot();
        Assert.All(changes, m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal(Backend, m.Tags[MLOpsTelemetry.Tags.RegistryBackend]);
            Assert.Equal("taxi", m.Tags[MLOpsTelemetry.Tags.ModelName]);
        });
        long Count(string kind) => changes.Where(m => Equals(m.Tags[MLOpsTelemetry.Tags.RegistryChangeKind], kind)).Sum(m => m.Value);
        Assert.Equal(1, Count("model_created"));
        Assert.True(Count("version_changed") >= 1);   // the file system also publishes the pending state
        Assert.Equal(1, Count("alias_changed"));      // the rejected promotion published nothing
        Assert.Equal(1, Count("model_updated"));
    }

    [Fact]
    public async Task Rollouts_AreTimedByOperationAndCountedAsRolloutChanged()
    {
        RegisteredModelVersion v1 = await Registry.RegisterVersionAsync(Request("1"));
        RegisteredModelVersion v2 = await Registry.RegisterVersionAsync(Request("2"));
        await Registry.PromoteAsync(new PromoteRequest(Taxi, v1.Version, ModelAlias.Champion));
        using var durations = new MetricCollector<double>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RegistryOperationDuration);
        using var changes = new MetricCollector<long>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RegistryChanges);

        Rollout rollout = await Registry.StartRolloutAsync(new StartRolloutRequest(Taxi, v2.Version, RolloutStrategy.Canary));
        await Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Advanced));
        await Assert.ThrowsAsync<RegistryConflictException>(() => Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Taxi, rollout.Id, RolloutAction.Held) { ExpectedRevision = 1 }));
        await Registry.GetActiveRolloutAsync(Taxi);

        Assert.Equal("success", Single(durations, "start_rollout").Tags[MLOpsTelemetry.Tags.Outcome]);
        Assert.Equal(
            ["conflict", "success"],
            durations.GetMeasurementSnapshot().Where(m => Equals(m.Tags[MLOpsTelemetry.Tags.RegistryOperation], "update_rollout")).Select(m => (string)m.Tags[MLOpsTelemetry.Tags.Outcome]!).Order());
        Assert.Equal("success", Single(durations, "get_active_rollout").Tags[MLOpsTelemetry.Tags.Outcome]);
        Assert.Equal(2, changes.GetMeasurementSnapshot().Where(m => Equals(m.Tags[MLOpsTelemetry.Tags.RegistryChangeKind], "rollout_changed")).Sum(m => m.Value));
    }

    [Fact]
    public async Task Changes_MadeByAnotherProcess_AreDeliveredButNotCountedAgain()
    {
        await Registry.RegisterVersionAsync(Request());
        var delivered = new List<RegistryChange>();
        using IDisposable subscription = Registry.Subscribe(c =>
        {
            lock (delivered)
            {
                delivered.Add(c);
            }
        });
        using var collector = new MetricCollector<long>(MeterFactory, MLOpsTelemetry.Name, MLOpsTelemetry.Instruments.RegistryChanges);
        IModelRegistry other = await OpenSecondInstanceAsync();
        try
        {
            await Eventually.HoldsAsync(
                async () =>
                {
                    // Repeated until the change feed (watcher, or LISTEN plus the poll baseline) reports one.
                    await other.UpdateModelAsync(new UpdateModelRequest(Taxi) { Description = "from another process" });
                    await Task.Delay(100);
                    lock (delivered)
                    {
                        return delivered.Count > 0;
                    }
                },
                "a change made through another instance is delivered");
        }
        finally
        {
            await RegistryConformanceTests.DisposeRegistryAsync(other);
        }

        Assert.Empty(collector.GetMeasurementSnapshot());
    }
}
