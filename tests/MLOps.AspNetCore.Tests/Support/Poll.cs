namespace MLOps.AspNetCore.Tests.Support;

public static class Poll
{
    /// <summary>Polls until <paramref name="probe"/> returns a value; fails after a generous bound (not a timing assertion).</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, string what, int timeoutSeconds = 30)
        where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeoutSeconds} s waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }
}
