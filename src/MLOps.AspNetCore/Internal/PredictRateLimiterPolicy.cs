using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace MLOps.AspNetCore.Internal;

/// <summary>
/// The <c>MLOps.Predict</c> policy: a token bucket per client IP address, no queueing. Its own rejections get 429 with
/// RFC 7807 ProblemDetails and <c>Retry-After</c> (when the lease says when to retry) through the policy's
/// <see cref="OnRejected"/>, so the application's <see cref="RateLimiterOptions.RejectionStatusCode"/> and
/// <see cref="RateLimiterOptions.OnRejected"/> stay as the application set them for every other policy.
/// </summary>
internal sealed class PredictRateLimiterPolicy(int permitsPerSecond) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = static (context, _) =>
    {
        HttpContext http = context.HttpContext;
        if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter))
        {
            long seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        return new ValueTask(Problems.TooManyRequests().ExecuteAsync(http));
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetTokenBucketLimiter(
            httpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = permitsPerSecond,
                TokensPerPeriod = permitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
}
