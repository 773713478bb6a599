using Microsoft.Extensions.DependencyInjection;
using MLOps.Registry.Tests.Conformance;
using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Tracking;

/// <summary>The experiment-tracker metrics against the file-system tracker.</summary>
public sealed class FileSystemTrackingMetricsTests : TrackingMetricsTests
{
    private readonly TempDirectory _directory = new();

    protected override string Backend => "file_system";

    protected override Task AddTrackerAsync(IMLOpsBuilder builder)
    {
        builder.AddFileSystemTracking(o => o.RootPath = _directory.Path);
        return Task.CompletedTask;
    }

    protected override Task DisposeStoreAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
