using Xunit;

namespace MLOps.TestSupport;

/// <summary>
/// Polls a condition until it holds, failing the test after a generous bound. The bound is a safety net for a hung
/// test, never a timing assertion: a test that needs the machine to be idle to pass is a broken test.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds.</summary>
    public static Task HoldsAsync(Func<bool> condition, string what, int timeoutSeconds = 30) =>
        HoldsAsync(() => Task.FromResult(condition()), what, timeoutSeconds);

    /// <summary>Polls an async <paramref name="condition"/> until it holds.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 30) =>
        await ValueAsync<bool>(async () => await condition() ? true : null, what, timeoutSeconds);

    /// <summary>Polls <paramref name="probe"/> until it returns a value, and returns that value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T?>> probe, string what, int timeoutSeconds = 30)
        where T : struct
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
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

            await Task.Delay(Interval);
        }
    }
}
