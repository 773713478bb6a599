using System.Collections.Concurrent;

namespace MLOps.Registry.Tests.Conformance;

/// <summary>Rollouts (issue 11 §1): start, read, every transition, promotion through gates, events and persistence.</summary>
public abstract partial class RegistryConformanceTests
{
    /// <summary>Registers <paramref name="versions"/> versions and promotes version 1 to the champion alias.</summary>
    protected async Task SetUpRolloutAsync(int versions = 2)
    {
        for (int i = 1; i <= versions; i++)
        {
            await RegisterAsync(content: $"v{i}");
        }

        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
    }

    protected Task<Rollout> StartAsync(int candidate = 2, RolloutStrategy strategy = RolloutStrategy.Canary, IReadOnlyList<int>? steps = null, string? actor = "alice") =>
        Registry.StartRolloutAsync(new StartRolloutRequest(Name(), new ModelVersion(candidate), strategy) { Steps = steps, Reason = "new features", Actor = actor });

    protected Task<Rollout> DecideAsync(Rollout rollout, RolloutAction action, string reason = "checked", long? expectedRevision = null) =>
        Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Name(), rollout.Id, action) { Reason = reason, ExpectedRevision = expectedRevision, Actor = "analysis" });

    [Fact]
    public async Task StartRollout_ThenGetAndList_ReturnsItProgressingAtItsFirstStepWithAStartedDecision()
    {
        await SetUpRolloutAsync();

        Rollout started = await StartAsync();

        Assert.Matches("^[0-9a-f]{32}$", started.Id);
        Assert.Equal((Name(), Alias(), RolloutStrategy.Canary, new ModelVersion(1), new ModelVersion(2)), (started.Name, started.Alias, started.Strategy, started.Primary, started.Candidate));
        Assert.Equal([10, 25, 50], started.Steps);
        Assert.Equal((0, 10, RolloutState.Progressing, 1L, "alice"), (started.Step, started.CandidateWeight, started.State, started.Revision, started.CreatedBy));
        Assert.True(started.IsActive);
        RolloutDecision decision = Assert.Single(started.Decisions);
        Assert.Equal((RolloutAction.Started, 0, 10, "new features", "alice"), (decision.Action, decision.Step, decision.CandidateWeight, decision.Reason, decision.Actor));
        Assert.Equal(new RolloutAnalysis(), started.Analysis);

        AssertSameRollout(started, await Registry.GetActiveRolloutAsync(Name()));
        AssertSameRollout(started, await Registry.GetRolloutAsync(Name(), started.Id));
        AssertSameRollout(started, Assert.Single(await Registry.ListRolloutsAsync(Name())));
        AuditEvent audit = Assert.Single(await Registry.QueryAuditAsync(new AuditQuery { Model = Name(), Action = AuditActions.RolloutStarted }));
        Assert.Equal(("alice", $"taxi@champion rollout {started.Id}", "new features"), (audit.Actor, audit.Target, audit.Reason));
        Assert.Contains("\"candidateWeight\":10", audit.After, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(RolloutStrategy.Canary, new[] { 10, 25, 50 })]
    [InlineData(RolloutStrategy.BlueGreen, new[] { 100 })]
    [InlineData(RolloutStrategy.Experiment, new[] { 50 })]
    [InlineData(RolloutStrategy.Shadow, new[] { 100 })]
    public async Task StartRollout_WithoutSteps_UsesTheStrategysDefaultSteps(RolloutStrategy strategy, int[] expected)
    {
        await SetUpRolloutAsync();

        Rollout started = await StartAsync(strategy: strategy);

        Assert.Equal(expected, started.Steps);
        Assert.Equal(expected[0], started.CandidateWeight);
    }

    [Fact]
    public async Task StartRollout_WithSettings_KeepsStepsAnalysisAndWarmupAcrossInstances()
    {
        await SetUpRolloutAsync();
        var analysis = new RolloutAnalysis
        {
            Interval = TimeSpan.FromSeconds(30),
            FailureThreshold = 5,
            MinSampleSize = 250,
            MaxErrorRate = null,
            MaxLatencyRatio = 2,
            MaxLatency = TimeSpan.FromMilliseconds(150),
            QualityMetric = "mae",
            MaxQualityDegradation = 0.1,
            FailOnDrift = true,
            Alpha = 0.01,
            RequireApproval = true,
        };
        Rollout started = await Registry.StartRolloutAsync(new StartRolloutRequest(Name(), new ModelVersion(2), RolloutStrategy.Canary)
        {
            Steps = [5, 20, 60, 90],
            Analysis = analysis,
            WarmupPredictions = 500,
        });
        await DecideAsync(started, RolloutAction.Advanced);

        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            Rollout read = (await second.GetActiveRolloutAsync(Name()))!;
            Assert.Equal(analysis, read.Analysis);
            Assert.Equal([5, 20, 60, 90], read.Steps);
            Assert.Equal((1, 20, 500, 2L), (read.Step, read.CandidateWeight, read.WarmupPredictions, read.Revision));
            Assert.Equal([RolloutAction.Started, RolloutAction.Advanced], read.Decisions.Select(d => d.Action));
            Assert.Equal(started.CreatedAt, read.CreatedAt);
            Assert.Equal(read.Decisions[1].Timestamp, read.UpdatedAt);
        }
        finally
        {
            await DisposeRegistryAsync(second);
        }
    }

    [Fact]
    public async Task UpdateRollout_Advanced_MovesToTheNextStepUntilTheLastThenRefuses()
    {
        await SetUpRolloutAsync();
        Rollout rollout = await StartAsync();

        rollout = await DecideAsync(rollout, RolloutAction.Advanced, "error rate 0.1 % <= 5 %");
        Assert.Equal((1, 25, 2L), (rollout.Step, rollout.CandidateWeight, rollout.Revision));
        rollout = await DecideAsync(rollout, RolloutAction.Advanced);
        Assert.Equal((2, 50, 3L), (rollout.Step, rollout.CandidateWeight, rollout.Revision));

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => DecideAsync(rollout, RolloutAction.Advanced));
        Assert.Equal(RegistryErrorCode.InvalidState, ex.ErrorCode);
        Assert.Contains("last step", ex.Message, StringComparison.Ordinal);
        Rollout read = (await Registry.GetRolloutAsync(Name(), rollout.Id))!;
        Assert.Equal(3L, read.Revision);
        RolloutDecision advanced = read.Decisions[1];
        Assert.Equal((RolloutAction.Advanced, 1, 25, "error rate 0.1 % <= 5 %", "analysis"), (advanced.Action, advanced.Step, advanced.CandidateWeight, advanced.Reason, advanced.Actor));
    }

    [Fact]
    public async Task UpdateRollout_Held_KeepsTheWeightsAndAppendsTheDecision()
    {
        await SetUpRolloutAsync();
        Rollout rollout = await StartAsync();

        Rollout held = await DecideAsync(rollout, RolloutAction.Held, "not enough data (12 < 100 requests)");

        Assert.Equal((RolloutState.Progressing, 0, 10, 2L), (held.State, held.Step, held.CandidateWeight, held.Revision));
        Assert.Equal("not enough data (12 < 100 requests)", held.Decisions[^1].Reason);
        Assert.Equal(2, held.Decisions.Count);
    }

    [Fact]
    public async Task UpdateRollout_ApprovalRequestedThenApproved_WaitsThenProgressesAgain()
    {
        await SetUpRolloutAsync();
        Rollout rollout = await StartAsync();

        Rollout waiting = await DecideAsync(rollout, RolloutAction.ApprovalRequested);
        Assert.Equal(RolloutState.AwaitingApproval, waiting.State);
        Assert.True(waiting.IsActive);
        await AssertInvalidStateAsync(waiting, RolloutAction.Held);
        await AssertInvalidStateAsync(waiting, RolloutAction.Advanced);
        await AssertInvalidStateAsync(waiting, RolloutAction.Resumed);

        Rollout approved = await DecideAsync(waiting, RolloutAction.Approved, "looks good");
        Assert.Equal((RolloutState.Progressing, 3L), (approved.State, approved.Revision));
        await AssertInvalidStateAsync(approved, RolloutAction.Approved);
    }

    [Fact]
    public async Task UpdateRollout_PausedThenResumed_HoldsThenProgresses()
    {
        await SetUpRolloutAsync();
        Rollout rollout = await StartAsync();
        await AssertInvalidStateAsync(rollout, RolloutAction.Resumed);

        Rollout paused = await DecideAsync(rollout, RolloutAction.Paused, "investigating an alert");
        Assert.Equal((RolloutState.Paused, 10), (paused.State, paused.CandidateWeight));
        await AssertInvalidStateAsync(paused, RolloutAction.Advanced);
        await AssertInvalidStateAsync(paused, RolloutAction.Held);
        await AssertInvalidStateAsync(paused, RolloutAction.Paused);

        Rollout resumed = await DecideAsync(paused, RolloutAction.Resumed);
        Assert.Equal(RolloutState.Progressing, resumed.State);

        Rollout waiting = await DecideAsync(resumed, RolloutAction.ApprovalRequested);
        Assert.Equal(RolloutState.Paused, (await DecideAsync(waiting, RolloutAction.Paused)).State);
    }

    [Theory]
    [InlineData(RolloutAction.RolledBack, RolloutState.RolledBack)]
    [InlineData(RolloutAction.Aborted, RolloutState.Aborted)]
    public async Task UpdateRollout_RolledBackOrAborted_EndsWithWeightZeroAndRefusesEveryLaterDecision(RolloutAction action, RolloutState expected)
    {
        await SetUpRolloutAsync();
        Rollout rollout = await DecideAsync(await StartAsync(), RolloutAction.Advanced);

        Rollout ended = await DecideAsync(rollout, action, "error rate 9 % > 5 %");

        Assert.Equal((expected, 0, 1, false), (ended.State, ended.CandidateWeight, ended.Step, ended.IsActive));
        Assert.Null(await Registry.GetActiveRolloutAsync(Name()));
        Assert.Equal(new ModelVersion(1), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
        foreach (RolloutAction next in Enum.GetValues<RolloutAction>().Where(a => a is not RolloutAction.Started and not RolloutAction.Restarted))
        {
            await AssertInvalidStateAsync(ended, next);
        }

        var restart = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.UpdateRolloutAsync(
            new UpdateRolloutRequest(Name(), ended.Id, RolloutAction.Restarted) { Candidate = new ModelVersion(2) }));
        Assert.Equal(RegistryErrorCode.InvalidState, restart.ErrorCode);

        Rollout again = await StartAsync();   // an ended rollout does not block the next one
        Assert.Equal([again.Id, ended.Id], (await Registry.ListRolloutsAsync(Name())).Select(r => r.Id));
    }

    [Fact]
    public async Task UpdateRollout_Restarted_TakesTheNewCandidateBackToTheFirstStep()
    {
        await SetUpRolloutAsync(versions: 3);
        Rollout rollout = await DecideAsync(await DecideAsync(await StartAsync(), RolloutAction.Advanced), RolloutAction.Paused);

        Rollout restarted = await Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Restarted)
        {
            Candidate = new ModelVersion(3),
            Reason = "retrained",
        });

        Assert.Equal((new ModelVersion(3), new ModelVersion(1), RolloutState.Progressing, 0, 10, 4L), (restarted.Candidate, restarted.Primary, restarted.State, restarted.Step, restarted.CandidateWeight, restarted.Revision));
        Assert.Equal((RolloutAction.Restarted, 0, 10), (restarted.Decisions[^1].Action, restarted.Decisions[^1].Step, restarted.Decisions[^1].CandidateWeight));
        Assert.Equal(rollout.Id, restarted.Id);

        var same = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.UpdateRolloutAsync(
            new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Restarted) { Candidate = new ModelVersion(1) }));
        Assert.Equal(RegistryErrorCode.InvalidState, same.ErrorCode);
        var missing = await Assert.ThrowsAsync<ModelRegistryException>(() => Registry.UpdateRolloutAsync(
            new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Restarted) { Candidate = new ModelVersion(9) }));
        Assert.Equal(RegistryErrorCode.NotFound, missing.ErrorCode);
        await Assert.ThrowsAsync<ArgumentException>(() => DecideAsync(rollout, RolloutAction.Restarted));
        Assert.Equal(4L, (await Registry.GetActiveRolloutAsync(Name()))!.Revision);
    }

    [Fact]
    public async Task UpdateRollout_Promoted_MovesTheAliasWithHistoryAndAuditAndEndsTheRollout()
    {
        await SetUpRolloutAsync();
        Rollout rollout = await DecideAsync(await DecideAsync(await StartAsync(), RolloutAction.Advanced), RolloutAction.Advanced);
        var gate = new RecordingGate();

        Rollout promoted = await Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Promoted)
        {
            Reason = "all checks passed",
            Gates = [gate],
            Actor = "analysis",
        });

        Assert.Equal((RolloutState.Succeeded, 100, 2, 4L, false), (promoted.State, promoted.CandidateWeight, promoted.Step, promoted.Revision, promoted.IsActive));
        Assert.Equal(new ModelVersion(2), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
        AliasHistoryEntry entry = (await Registry.GetAliasHistoryAsync(Name(), Alias()))[^1];
        Assert.Equal((AliasAction.Promote, new ModelVersion(2), new ModelVersion(1), 2L, "analysis", "all checks passed"),
            (entry.Action, entry.Version, entry.PreviousVersion, entry.Revision, entry.Actor, entry.Reason));
        PromotionGateContext context = Assert.Single(gate.Contexts);
        Assert.Equal((new ModelVersion(2), new ModelVersion(1)), (context.Candidate.Version, context.CurrentHolder!.Version));
        IReadOnlyList<AuditEvent> audit = await Registry.QueryAuditAsync(new AuditQuery { Model = Name() });
        Assert.Equal([AuditActions.AliasPromoted, AuditActions.RolloutDecided], audit.TakeLast(2).Select(e => e.Action));
        Assert.Equal(("1", "2"), (audit[^2].Before, audit[^2].After));
        Assert.Contains("\"action\":\"Promoted\"", audit[^1].After, StringComparison.Ordinal);
        Assert.Null(await Registry.GetActiveRolloutAsync(Name()));
    }

    [Theory]
    [InlineData(RolloutAction.Paused)]
    [InlineData(RolloutAction.ApprovalRequested)]
    public async Task UpdateRollout_PromotedWhilePausedOrAwaitingApproval_Succeeds(RolloutAction before)
    {
        await SetUpRolloutAsync();
        Rollout rollout = await DecideAsync(await StartAsync(), before);

        Rollout promoted = await DecideAsync(rollout, RolloutAction.Promoted);

        Assert.Equal(RolloutState.Succeeded, promoted.State);
        Assert.Equal(new ModelVersion(2), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
    }

    [Fact]
    public async Task UpdateRollout_PromotedAndAGateRejects_LeavesAliasAndRolloutUnchangedAndAuditsTheRejection()
    {
        await SetUpRolloutAsync();
        Rollout rollout = await StartAsync();
        int audited = (await Registry.QueryAuditAsync(new AuditQuery { Model = Name() })).Count;

        var ex = await Assert.ThrowsAsync<PromotionRejectedException>(() => Registry.UpdateRolloutAsync(
            new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Promoted) { Gates = [new RecordingGate("needs an approval")] }));

        Assert.Equal(RegistryErrorCode.PromotionRejected, ex.ErrorCode);
        Assert.Contains("needs an approval", ex.Failures);
        Assert.Equal(new ModelVersion(1), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
        Assert.Single(await Registry.GetAliasHistoryAsync(Name(), Alias()));
        AssertSameRollout(rollout, await Registry.GetActiveRolloutAsync(Name()));
        IReadOnlyList<AuditEvent> audit = await Registry.QueryAuditAsync(new AuditQuery { Model = Name() });
        Assert.Equal(audited + 1, audit.Count);
        Assert.Equal((AuditActions.PromotionRejected, "needs an approval"), (audit[^1].Action, audit[^1].Reason));
    }

    [Fact]
    public async Task UpdateRollout_PromotedAfterTheAliasMovedByHand_IsRefusedAndChangesNothing()
    {
        await SetUpRolloutAsync(versions: 3);
        Rollout rollout = await StartAsync();
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(3), Alias()));

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => DecideAsync(rollout, RolloutAction.Promoted));

        Assert.Equal(RegistryErrorCode.InvalidState, ex.ErrorCode);
        Assert.Contains("moved outside the rollout", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new ModelVersion(3), (await Registry.GetModelAsync(Name()))!.Aliases[Alias()]);
        Assert.Equal(1L, (await Registry.GetActiveRolloutAsync(Name()))!.Revision);
        Assert.Equal(RolloutState.Aborted, (await DecideAsync(rollout, RolloutAction.Aborted)).State);
    }

    [Fact]
    public async Task StartAndUpdateRollout_RaiseRolloutChangedForTheCandidateAndAlias()
    {
        await SetUpRolloutAsync();
        var changes = new ConcurrentQueue<RegistryChange>();
        using (Registry.Subscribe(changes.Enqueue))
        {
            Rollout rollout = await StartAsync();
            await DecideAsync(rollout, RolloutAction.Promoted);

            var expected = new RegistryChange(RegistryChangeKind.RolloutChanged, Name(), new ModelVersion(2), Alias());
            await Eventually.HoldsAsync(() => changes.Count(c => c == expected) >= 2, "a rollout change for the start and for the promotion");
            await Eventually.HoldsAsync(
                () => changes.Contains(new RegistryChange(RegistryChangeKind.AliasChanged, Name(), new ModelVersion(2), Alias())), "the promotion's alias change");
        }
    }

    [Fact]
    public async Task StartRollout_ThroughAnotherInstance_ReachesThisInstancesSubscribers()
    {
        await SetUpRolloutAsync();
        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            var changes = new ConcurrentQueue<RegistryChange>();
            using IDisposable subscription = Registry.Subscribe(changes.Enqueue);
            await Registry.GetActiveRolloutAsync(Name());   // a read after subscribing takes the change feed's baseline

            await second.StartRolloutAsync(new StartRolloutRequest(Name(), new ModelVersion(2), RolloutStrategy.Canary));

            // The PostgreSQL feed carries the kind; the file-system watcher reports External (re-read the model).
            await Eventually.HoldsAsync(
                () => changes.Any(c => c.Name == Name() && c.Kind is RegistryChangeKind.RolloutChanged or RegistryChangeKind.External),
                "the other instance's rollout change");
        }
        finally
        {
            await DisposeRegistryAsync(second);
        }
    }

    [Fact]
    public async Task StartRollout_ConcurrentlyFromTwoInstances_ExactlyOneWins()
    {
        await SetUpRolloutAsync(versions: 3);
        IModelRegistry second = await OpenSecondInstanceAsync();
        try
        {
            Task<Rollout>[] starts = [.. Enumerable.Range(0, 8).Select(i => Task.Run(() => (i % 2 == 0 ? Registry : second).StartRolloutAsync(
                new StartRolloutRequest(Name(), new ModelVersion(2 + (i % 2)), RolloutStrategy.Canary))))];
            await Task.WhenAll(starts.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));

            Task<Rollout> winner = Assert.Single(starts, t => t.IsCompletedSuccessfully);
            Assert.All(starts.Where(t => t != winner), t => Assert.IsType<RegistryConflictException>(t.Exception!.InnerException));
            Assert.Equal((await winner).Id, (await second.GetActiveRolloutAsync(Name()))!.Id);
            Assert.Single(await Registry.ListRolloutsAsync(Name()));
        }
        finally
        {
            await DisposeRegistryAsync(second);
        }
    }

    private async Task AssertInvalidStateAsync(Rollout rollout, RolloutAction action)
    {
        long revision = (await Registry.GetRolloutAsync(Name(), rollout.Id))!.Revision;
        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => DecideAsync(rollout, action));
        Assert.Equal(RegistryErrorCode.InvalidState, ex.ErrorCode);
        Assert.Equal(revision, (await Registry.GetRolloutAsync(Name(), rollout.Id))!.Revision);
    }

    protected static void AssertSameRollout(Rollout expected, Rollout? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(
            (expected.Id, expected.Name, expected.Alias, expected.Strategy, expected.Primary, expected.Candidate, expected.Step, expected.CandidateWeight, expected.State, expected.Revision),
            (actual.Id, actual.Name, actual.Alias, actual.Strategy, actual.Primary, actual.Candidate, actual.Step, actual.CandidateWeight, actual.State, actual.Revision));
        Assert.Equal(expected.Steps, actual.Steps);
        Assert.Equal(expected.Analysis, actual.Analysis);
        Assert.Equal((expected.WarmupPredictions, expected.CreatedBy, expected.CreatedAt, expected.UpdatedAt), (actual.WarmupPredictions, actual.CreatedBy, actual.CreatedAt, actual.UpdatedAt));
        Assert.Equal(expected.Decisions, actual.Decisions);
    }
}
