using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Tests.Quality.Feedback;

public class GroundTruthTests
{
    [Fact]
    public void ImplicitConversions_SetKindAndValue()
    {
        GroundTruth number = 2.5;
        GroundTruth boolean = true;
        GroundTruth label = "cat";

        Assert.Equal((GroundTruthKind.Number, 2.5), (number.Kind, number.Number));
        Assert.Equal((GroundTruthKind.Boolean, 1.0), (boolean.Kind, boolean.Number));
        Assert.Equal((GroundTruthKind.Label, "cat"), (label.Kind, label.Label));
        Assert.True(double.IsNaN(label.Number));
        Assert.Equal(GroundTruthKind.None, default(GroundTruth).Kind);
        Assert.Equal("true", boolean.ToString());
        Assert.Equal(GroundTruth.FromNumber(2.5), number);
        Assert.NotEqual(GroundTruth.FromNumber(1), GroundTruth.FromBoolean(true));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(1.0, true)]
    [InlineData(0.0, false)]
    [InlineData("TRUE", true)]
    [InlineData("0", false)]
    public void TryGetBinaryLabel_AcceptedForms_AreConverted(object value, bool expected)
    {
        GroundTruth truth = value switch { bool b => b, double d => d, string s => s, _ => default };

        Assert.True(truth.TryGetBinaryLabel(out bool label));
        Assert.Equal(expected, label);
    }

    [Fact]
    public void TryConvertHelpers_RejectWrongKinds()
    {
        Assert.False(GroundTruth.FromNumber(0.5).TryGetBinaryLabel(out _));
        Assert.False(GroundTruth.FromLabel("yes").TryGetBinaryLabel(out _));
        Assert.False(GroundTruth.FromBoolean(true).TryGetRegressionTarget(out _));
        Assert.False(GroundTruth.FromNumber(double.PositiveInfinity).TryGetRegressionTarget(out _));
        Assert.False(GroundTruth.FromNumber(1.5).TryGetClassLabel(out _));
        Assert.True(GroundTruth.FromNumber(7).TryGetClassLabel(out string? seven));
        Assert.Equal("7", seven);
        Assert.Throws<ArgumentNullException>(() => GroundTruth.FromLabel(null!));
    }
}
