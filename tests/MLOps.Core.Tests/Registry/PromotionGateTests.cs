namespace MLOps.Core.Tests.Registry;

public class PromotionGateTests
{
    private static readonly ModelName Name = ModelName.Parse("taxi");

    private static RegisteredModelVersion Version(int number, params (string Metric, double Value)[] metrics) => new()
    {
        Name = Name,
        Version = new ModelVersion(number),
        Status = ModelVersionStatus.Ready,
        Metrics = metrics.ToDictionary(m => m.Metric, m => m.Value),
    };

    private static PromotionGateContext Context(RegisteredModelVersion candidate, RegisteredModelVersion? holder = null, params PromotionApproval[] approvals) =>
        new(ModelAlias.Champion, candidate, holder, approvals);

    [Theory]
    [InlineData(0.80, null)]
    [InlineData(0.95, null)]
    [InlineData(0.79, "r2 = 0.79")]
    public void MetricThresholdGate_Minimum_FailsBelowTheBoundInclusive(double r2, string? failure)
    {
        string? result = new MetricThresholdGate("r2", minimum: 0.8).Evaluate(Context(Version(2, ("r2", r2))));

        if (failure is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(failure, result, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MetricThresholdGate_MissingOrNaNMetric_Fails()
    {
        var gate = new MetricThresholdGate("rmse", maximum: 4);
        Assert.Contains("no metric 'rmse'", gate.Evaluate(Context(Version(2))), StringComparison.Ordinal);
        Assert.NotNull(gate.Evaluate(Context(Version(2, ("rmse", double.NaN)))));
        Assert.Equal("metric rmse <= 4", gate.Description);
    }

    [Fact]
    public void MetricThresholdGate_NoBound_Throws() =>
        Assert.Throws<ArgumentException>(() => new MetricThresholdGate("r2"));

    [Theory]
    [InlineData(0.90, 0.85, 0.05, true, true)]
    [InlineData(0.89, 0.85, 0.05, true, false)]
    [InlineData(3.0, 3.5, 0.5, false, true)]
    [InlineData(3.1, 3.5, 0.5, false, false)]
    public void BeatCurrentHolderGate_RequiresTheMarginInTheRightDirection(double candidate, double holder, double margin, bool higherIsBetter, bool passes)
    {
        var gate = new BeatCurrentHolderGate("m", margin, higherIsBetter);

        string? result = gate.Evaluate(Context(Version(2, ("m", candidate)), Version(1, ("m", holder))));

        Assert.Equal(passes, result is null);
    }

    [Fact]
    public void BeatCurrentHolderGate_NoHolderOrHolderWithoutTheMetric_Passes()
    {
        var gate = new BeatCurrentHolderGate("r2", 0.1);
        Assert.Null(gate.Evaluate(Context(Version(2, ("r2", 0.5)))));
        Assert.Null(gate.Evaluate(Context(Version(2, ("r2", 0.5)), Version(1))));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BeatCurrentHolderGate("r2", -1));
    }

    [Fact]
    public void ApprovalRequiredGate_UsesTheLatestDecisionForThisVersionAndAlias()
    {
        var gate = new ApprovalRequiredGate();
        RegisteredModelVersion candidate = Version(3);
        PromotionApproval Approval(string id, ApprovalState state, int minutes, int version = 3, string alias = "champion") => new()
        {
            Id = id,
            Name = Name,
            Version = new ModelVersion(version),
            Alias = ModelAlias.Parse(alias),
            State = state,
            RequestedBy = "alice",
            DecidedBy = state == ApprovalState.Pending ? null : "bob",
            DecidedAt = state == ApprovalState.Pending ? null : DateTimeOffset.UnixEpoch.AddMinutes(minutes),
            DecisionReason = "because",
        };

        Assert.NotNull(gate.Evaluate(Context(candidate)));
        Assert.NotNull(gate.Evaluate(Context(candidate, null, Approval("a", ApprovalState.Pending, 0))));
        Assert.NotNull(gate.Evaluate(Context(candidate, null, Approval("a", ApprovalState.Approved, 1, version: 2))));
        Assert.NotNull(gate.Evaluate(Context(candidate, null, Approval("a", ApprovalState.Approved, 1, alias: "challenger"))));
        Assert.Null(gate.Evaluate(Context(candidate, null, Approval("a", ApprovalState.Approved, 1))));
        Assert.Contains("rejected by bob", gate.Evaluate(Context(candidate, null, Approval("a", ApprovalState.Approved, 1), Approval("b", ApprovalState.Rejected, 2))), StringComparison.Ordinal);
        Assert.Null(gate.Evaluate(Context(candidate, null, Approval("a", ApprovalState.Rejected, 1), Approval("b", ApprovalState.Approved, 2))));
    }

    [Fact]
    public void PromotionRejectedException_ListsEveryFailure()
    {
        var ex = new PromotionRejectedException(ModelReference.ForVersion(Name, new ModelVersion(3)), ModelAlias.Champion, ["first failed", "second failed"]);

        Assert.Equal(RegistryErrorCode.PromotionRejected, ex.ErrorCode);
        Assert.Equal(2, ex.Failures.Count);
        Assert.Contains("taxi/3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("first failed; second failed", ex.Message, StringComparison.Ordinal);
    }
}
