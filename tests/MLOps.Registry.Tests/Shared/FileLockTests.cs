using Microsoft.Extensions.Time.Testing;
using MLOps.Registry.Tests.Support;
using MLOps.Shared.FileSystem;

namespace MLOps.Registry.Tests.Shared;

public sealed class FileLockTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string LockPath => Path.Combine(_directory.Path, "test.lock");

    [Fact]
    public async Task AcquireAsync_Held_ThrowsTheCallersErrorOnceTheGivenClockPassesTheTimeout()
    {
        using FileLock held = await FileLock.AcquireAsync(LockPath, TimeSpan.Zero, TimeSpan.FromMilliseconds(5), TimeProvider.System, null, () => new TimeoutException(), default);
        var time = new FakeTimeProvider();
        int contended = 0;

        Task<FileLock> waiting = FileLock.AcquireAsync(
            LockPath, TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(5), time, () => contended++, () => new InvalidOperationException("timed out"), default);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);   // an hour by the given clock has not passed, however long the wall clock waits

        time.Advance(TimeSpan.FromHours(1));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => waiting);
        Assert.Equal("timed out", ex.Message);
        Assert.Equal(1, contended);
    }

    [Fact]
    public async Task AcquireAsync_Released_TheNextWaiterGetsIt()
    {
        FileLock first = await FileLock.AcquireAsync(LockPath, TimeSpan.Zero, TimeSpan.FromMilliseconds(5), TimeProvider.System, null, () => new TimeoutException(), default);
        Task<FileLock> second = FileLock.AcquireAsync(LockPath, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(5), TimeProvider.System, null, () => new TimeoutException(), default);
        await Task.Delay(20);
        Assert.False(second.IsCompleted);

        first.Dispose();

        using FileLock taken = await second;
    }
}
