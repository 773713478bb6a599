namespace MLOps.Core.Tests.Registry;

#pragma warning disable CS0618 // The obsolete option must keep working for existing configurations.
public sealed class RegistryServingOptionsTests
{
    [Fact]
    public void PollInterval_NotSet_LeavesMLOpsOptionsPollIntervalInCharge()
    {
        var options = new RegistryServingOptions();

        Assert.False(options.IsPollIntervalSet);
    }

    [Fact]
    public void PollInterval_Set_EvenToItsDefault_WinsForRegistryModels()
    {
        var options = new RegistryServingOptions { PollInterval = RegistryServingOptions.DefaultPollInterval };

        Assert.True(options.IsPollIntervalSet);
    }
}
#pragma warning restore CS0618
