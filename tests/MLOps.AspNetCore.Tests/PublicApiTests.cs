
namespace MLOps.AspNetCore.Tests;

public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheApprovedBaseline() => PublicApiAssert.MatchesApproved(typeof(MLOpsEndpointOptions).Assembly);
}
