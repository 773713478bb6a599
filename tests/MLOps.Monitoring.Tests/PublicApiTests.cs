
namespace MLOps.Monitoring.Tests;

public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheApprovedBaseline() =>
        PublicApiAssert.MatchesApproved(System.Reflection.Assembly.Load("MLOps.Monitoring"));
}
