using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace MLOps.AspNetCore;

/// <summary>A default rate-limiting policy for the predict endpoints, built on ASP.NET Core's rate limiter.</summary>
public static class MLOpsRateLimiting
{
    /// <summary>The name of the policy registered by <see cref="AddMLOpsPredictPolicy"/>: <c>MLOps.Predict</c>.</summary>
    public const string PredictPolicyName = "MLOps.Predict";

    /// <summary>The default number of predict requests per second per client address: 1,000.</summary>
    public const int DefaultPermitsPerSecond = 1000;

    /// <summary>
    /// Adds the <c>MLOps.Predict</c> policy: a token bucket per client IP address refilled with
    /// <paramref name="permitsPerSecond"/> tokens each second (bursts up to the same number), no queueing; rejected
    /// requests get 429 with a <c>Retry-After</c> header. Use it with
    /// <c>MapMLOps(o =&gt; o.PredictRateLimitPolicy = MLOpsRateLimiting.PredictPolicyName)</c> and <c>app.UseRateLimiter()</c>.
    /// </summary>
    /// <param name="options">The rate limiter options (from <c>services.AddRateLimiter(o =&gt; …)</c>).</param>
    /// <param name="permitsPerSecond">Requests per second per client address.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permitsPerSecond"/> is less than 1.</exception>
    public static RateLimiterOptions AddMLOpsPredictPolicy(this RateLimiterOptions options, int permitsPerSecond = DefaultPermitsPerSecond)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(permitsPerSecond, 1);
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected ??= static (context, _) =>
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return ValueTask.CompletedTask;
        };
        options.AddPolicy(PredictPolicyName, http => RateLimitPartition.GetTokenBucketLimiter(
            http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = permitsPerSecond,
                TokensPerPeriod = permitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
        return options;
    }
}
