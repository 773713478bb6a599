namespace MLOps.Registry.Tests.Conformance;

/// <summary>Rollouts (issue 11 §1): every refusal, and that a refusal writes nothing.</summary>
public abstract partial class RegistryConformanceTests
{
    [Fact]
    public async Task StartRollout_MissingModelCandidateOrAlias_ThrowsNotFound()
    {
        var noModel = await Assert.ThrowsAsync<ModelRegistryException>(() => StartAsync());
        Assert.Equal(RegistryErrorCode.NotFound, noModel.ErrorCode);

        await RegisterAsync();
        var noAlias = await Assert.ThrowsAsync<ModelRegistryException>(() => StartAsync(candidate: 1));
        Assert.Equal(RegistryErrorCode.NotFound, noAlias.ErrorCode);
        Assert.Contains("champion", noAlias.Message, StringComparison.Ordinal);

        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));
        var noCandidate = await Assert.ThrowsAsync<ModelRegistryException>(() => StartAsync(candidate: 7));
        Assert.Equal(RegistryErrorCode.NotFound, noCandidate.ErrorCode);
        Assert.Empty(await Registry.ListRolloutsAsync(Name()));
        Assert.Null(await Registry.GetActiveRolloutAsync(Name("missing")));
        Assert.Empty(await Registry.ListRolloutsAsync(Name("missing")));
        Assert.Null(await Registry.GetRolloutAsync(Name(), "0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task StartRollout_CandidateIsThePrimary_ThrowsInvalidState()
    {
        await SetUpRolloutAsync();

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => StartAsync(candidate: 1));

        Assert.Equal(RegistryErrorCode.InvalidState, ex.ErrorCode);
        Assert.Contains("already holds the alias", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRollout_CandidateNotReady_IsRefused()
    {
        await SetUpRolloutAsync(versions: 1);
        var failing = new RegisterVersionRequest(Name(), [ModelArtifact.FromStream(_ => throw new IOException("disk gone"))]);
        await Assert.ThrowsAsync<IOException>(() => Registry.RegisterVersionAsync(failing));

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => StartAsync(candidate: 2));

        // The file system keeps the failed version (InvalidState); a transactional backend never created it (NotFound).
        bool kept = await Registry.GetVersionAsync(Name(), new ModelVersion(2)) is { Status: ModelVersionStatus.Failed };
        Assert.Equal(kept ? RegistryErrorCode.InvalidState : RegistryErrorCode.NotFound, ex.ErrorCode);
        Assert.Empty(await Registry.ListRolloutsAsync(Name()));
    }

    [Theory]
    [InlineData("Size:Double", "a different type")]
    [InlineData("Size:Single,Extra:Single", "an extra input")]
    [InlineData("Other:Single", "a missing input")]
    [InlineData("Size:Single[4]", "a vector instead of a scalar")]
    public async Task StartRollout_IncompatibleSignature_ThrowsInvalidState(string candidateInputs, string why)
    {
        await RegisterWithSignatureAsync("Size:Single");
        await RegisterWithSignatureAsync(candidateInputs);
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));

        var ex = await Assert.ThrowsAsync<ModelRegistryException>(() => StartAsync());

        Assert.True(ex.ErrorCode == RegistryErrorCode.InvalidState, why);
        Assert.Contains("incompatible", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRollout_SameInputsInAnotherOrderWithOtherOutputs_IsCompatible()
    {
        await RegisterWithSignatureAsync("Size:Single,Features:Single[3]");
        await RegisterWithSignatureAsync("Features:Single[3],Size:Single", outputs: "Score:Single,Probability:Single");
        await RegisterAsync(content: "no signature");
        await Registry.PromoteAsync(new PromoteRequest(Name(), new ModelVersion(1), Alias()));

        Rollout rollout = await StartAsync();
        await DecideAsync(rollout, RolloutAction.Aborted);

        Assert.Equal(new ModelVersion(3), (await StartAsync(candidate: 3)).Candidate);   // no signature: nothing to compare
    }

    public static TheoryData<RolloutStrategy, int[]> BadSteps() => new()
    {
        { RolloutStrategy.Canary, [] },
        { RolloutStrategy.Canary, [0, 50] },
        { RolloutStrategy.Canary, [10, 101] },
        { RolloutStrategy.Canary, [-5] },
        { RolloutStrategy.Canary, [10, 10, 50] },
        { RolloutStrategy.Canary, [50, 25] },
        { RolloutStrategy.Canary, [.. Enumerable.Range(1, 21)] },
        { RolloutStrategy.BlueGreen, [50, 100] },
        { RolloutStrategy.Experiment, [10, 20] },
    };

    [Theory]
    [MemberData(nameof(BadSteps))]
    public async Task StartRollout_InvalidSteps_ThrowsArgumentExceptionAndWritesNothing(RolloutStrategy strategy, int[] steps)
    {
        await SetUpRolloutAsync();
        int audited = (await Registry.QueryAuditAsync()).Count;

        await Assert.ThrowsAsync<ArgumentException>(() => StartAsync(strategy: strategy, steps: steps));

        Assert.Empty(await Registry.ListRolloutsAsync(Name()));
        Assert.Equal(audited, (await Registry.QueryAuditAsync()).Count);
    }

    public static TheoryData<string> BadAnalyses() =>
        ["interval 0", "interval 2 days", "threshold 0", "threshold 101", "samples 0", "error rate 1.5", "error rate NaN", "ratio 0.5", "ratio infinity",
            "latency 0", "degradation -0.1", "degradation NaN", "alpha 0", "alpha 1", "alpha NaN", "metric blank", "metric too long"];

    [Theory]
    [MemberData(nameof(BadAnalyses))]
    public async Task StartRollout_InvalidAnalysis_ThrowsArgumentException(string setting)
    {
        await SetUpRolloutAsync();
        var defaults = new RolloutAnalysis();
        RolloutAnalysis analysis = setting switch
        {
            "interval 0" => defaults with { Interval = TimeSpan.Zero },
            "interval 2 days" => defaults with { Interval = TimeSpan.FromDays(2) },
            "threshold 0" => defaults with { FailureThreshold = 0 },
            "threshold 101" => defaults with { FailureThreshold = 101 },
            "samples 0" => defaults with { MinSampleSize = 0 },
            "error rate 1.5" => defaults with { MaxErrorRate = 1.5 },
            "error rate NaN" => defaults with { MaxErrorRate = double.NaN },
            "ratio 0.5" => defaults with { MaxLatencyRatio = 0.5 },
            "ratio infinity" => defaults with { MaxLatencyRatio = double.PositiveInfinity },
            "latency 0" => defaults with { MaxLatency = TimeSpan.Zero },
            "degradation -0.1" => defaults with { MaxQualityDegradation = -0.1 },
            "degradation NaN" => defaults with { MaxQualityDegradation = double.NaN },
            "alpha 0" => defaults with { Alpha = 0 },
            "alpha 1" => defaults with { Alpha = 1 },
            "alpha NaN" => defaults with { Alpha = double.NaN },
            "metric blank" => defaults with { QualityMetric = " " },
            _ => defaults with { QualityMetric = new string('m', 100_000) },
        };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Registry.StartRolloutAsync(
            new StartRolloutRequest(Name(), new ModelVersion(2), RolloutStrategy.Canary) { Analysis = analysis }));

        Assert.True(ex.Message.Length < 1000, "the message quotes at most a short part of the value");
        Assert.Empty(await Registry.ListRolloutsAsync(Name()));
    }

    [Theory]
    [InlineData(-1, null, null)]
    [InlineData(100_001, null, null)]
    [InlineData(0, 10_001, null)]
    [InlineData(0, null, "bad\nactor")]
    [InlineData(0, null, " ")]
    public async Task StartRollout_InvalidWarmupReasonOrActor_ThrowsArgumentException(int warmup, int? reasonLength, string? actor)
    {
        await SetUpRolloutAsync();

        await Assert.ThrowsAsync<ArgumentException>(() => Registry.StartRolloutAsync(new StartRolloutRequest(Name(), new ModelVersion(2), RolloutStrategy.Canary)
        {
            WarmupPredictions = warmup,
            Reason = reasonLength is { } length ? new string('r', length) : null,
            Actor = actor,
        }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.StartRolloutAsync(new StartRolloutRequest(Name(), new ModelVersion(2), (RolloutStrategy)42)));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.StartRolloutAsync(new StartRolloutRequest(Name(), default, RolloutStrategy.Canary)));
        Assert.Empty(await Registry.ListRolloutsAsync(Name()));
    }

    [Fact]
    public async Task StartRollout_WhileAnotherIsActive_ThrowsConflict()
    {
        await SetUpRolloutAsync(versions: 3);
        Rollout first = await StartAsync();

        var ex = await Assert.ThrowsAsync<RegistryConflictException>(() => StartAsync(candidate: 3));

        Assert.Contains(first.Id, ex.Message, StringComparison.Ordinal);
        Assert.Equal(first.Id, Assert.Single(await Registry.ListRolloutsAsync(Name())).Id);
    }

    [Fact]
    public async Task UpdateRollout_StaleRevision_ThrowsConflictAndChangesNothing()
    {
        await SetUpRolloutAsync();
        Rollout rollout = await StartAsync();
        await DecideAsync(rollout, RolloutAction.Held, expectedRevision: 1);

        var ex = await Assert.ThrowsAsync<RegistryConflictException>(() => DecideAsync(rollout, RolloutAction.Advanced, expectedRevision: 1));

        Assert.Contains("revision 2", ex.Message, StringComparison.Ordinal);
        Rollout read = (await Registry.GetActiveRolloutAsync(Name()))!;
        Assert.Equal((2L, 0), (read.Revision, read.Step));
        Assert.Equal(3L, (await DecideAsync(rollout, RolloutAction.Advanced, expectedRevision: 2)).Revision);
    }

    [Fact]
    public async Task UpdateRollout_BadArguments_AreRefusedBeforeAnythingIsRead()
    {
        await SetUpRolloutAsync();
        Rollout rollout = await StartAsync();

        var missing = await Assert.ThrowsAsync<ModelRegistryException>(() =>
            Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Name(), "0123456789abcdef0123456789abcdef", RolloutAction.Held)));
        Assert.Equal(RegistryErrorCode.NotFound, missing.ErrorCode);
        var noModel = await Assert.ThrowsAsync<ModelRegistryException>(() =>
            Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Name("missing"), rollout.Id, RolloutAction.Held)));
        Assert.Equal(RegistryErrorCode.NotFound, noModel.ErrorCode);

        await Assert.ThrowsAsync<ArgumentException>(() => DecideAsync(rollout, RolloutAction.Started));
        await Assert.ThrowsAsync<ArgumentException>(() => DecideAsync(rollout, (RolloutAction)99));
        await Assert.ThrowsAsync<ArgumentException>(() => DecideAsync(rollout, RolloutAction.Held, new string('r', 10_001)));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Name(), " ", RolloutAction.Held)));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.UpdateRolloutAsync(new UpdateRolloutRequest(Name(), new string('x', 100_000), RolloutAction.Held)));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.GetRolloutAsync(Name(), "bad\u0001id"));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.UpdateRolloutAsync(
            new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Held) { Candidate = new ModelVersion(2) }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.UpdateRolloutAsync(
            new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Held) { Gates = [new ApprovalRequiredGate()] }));
        await Assert.ThrowsAsync<ArgumentException>(() => Registry.UpdateRolloutAsync(
            new UpdateRolloutRequest(Name(), rollout.Id, RolloutAction.Held) { Actor = "two\nlines" }));

        Assert.Equal(1L, (await Registry.GetActiveRolloutAsync(Name()))!.Revision);
    }

    /// <summary>Registers a version whose signature has the inputs <c>Name:Type</c> (<c>Type[n]</c> for a vector), comma-separated.</summary>
    private Task<RegisteredModelVersion> RegisterWithSignatureAsync(string inputs, string outputs = "Score:Single") =>
        Registry.RegisterVersionAsync(new RegisterVersionRequest(Name(), [ModelArtifact.FromBytes(Bytes(inputs + outputs))])
        {
            Signature = new ModelSignature { Inputs = Columns(inputs), Outputs = Columns(outputs) },
        });

    private static SignatureColumn[] Columns(string spec) =>
        [.. spec.Split(',').Select(column =>
        {
            string[] parts = column.Split(':');
            int bracket = parts[1].IndexOf('[', StringComparison.Ordinal);
            return bracket < 0
                ? new SignatureColumn(parts[0], parts[1])
                : new SignatureColumn(parts[0], parts[1][..bracket], IsVector: true, Size: int.Parse(parts[1][(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
        })];
}
