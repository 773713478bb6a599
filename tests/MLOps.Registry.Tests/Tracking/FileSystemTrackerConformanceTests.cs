using MLOps.Registry.Tests.Support;

namespace MLOps.Registry.Tests.Tracking;

/// <summary>The tracker conformance suite against the file-system tracker; each test gets a fresh directory.</summary>
public sealed class FileSystemTrackerConformanceTests : TrackerConformanceTests
{
    private readonly TempDirectory _directory = new();

    protected override Task<IExperimentTracker> CreateTrackerAsync(TimeProvider time) =>
        Task.FromResult<IExperimentTracker>(new FileSystemExperimentTracker(new FileSystemTrackingOptions { RootPath = _directory.Path }, time));

    protected override Task<IExperimentTracker> OpenSecondInstanceAsync() =>
        Task.FromResult<IExperimentTracker>(new FileSystemExperimentTracker(new FileSystemTrackingOptions { RootPath = _directory.Path }, Time));

    protected override Task CorruptArtifactAsync(string runId, string path, bool truncate)
    {
        string file = ((FileSystemExperimentTracker)Tracker).ArtifactFile(runId, path);
        byte[] content = File.ReadAllBytes(file);
        if (truncate)
        {
            File.WriteAllBytes(file, content.AsSpan(0, content.Length / 2).ToArray());
        }
        else
        {
            content[content.Length / 2] ^= 0xFF;
            File.WriteAllBytes(file, content);
        }

        return Task.CompletedTask;
    }

    protected override Task DisposeStoreAsync()
    {
        _directory.Dispose();
        return Task.CompletedTask;
    }
}
