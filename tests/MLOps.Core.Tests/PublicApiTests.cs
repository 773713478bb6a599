
namespace MLOps.Core.Tests;

public class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheApprovedBaseline() => PublicApiAssert.MatchesApproved(typeof(IModelClient<,>).Assembly);
}
