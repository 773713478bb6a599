using MLOps.AspNetCore.Internal;

namespace Microsoft.AspNetCore.RateLimiting;

/// <summary>A default rate-limiting policy for the MLOps predict endpoints, built on ASP.NET Core's rate limiter.</summary>
public static class MLOpsRateLimiting
{
    /// <summary>The name of the policy registered by <see cref="AddMLOpsPredictPolicy"/>: <c>MLOps.Predict</c>.</summary>
    public const string PredictPolicyName = "MLOps.Predict";

    /// <summary>The default number of predict requests per second per client address: 1,000.</summary>
    public const int DefaultPermitsPerSecond = 1000;

    /// <summary>
    /// Adds the <c>MLOps.Predict</c> policy: a token bucket per client IP address refilled with
    /// <paramref name="permitsPerSecond"/> tokens each second (bursts up to the same number), no queueing. Requests the
    /// policy rejects get 429 with RFC 7807 ProblemDetails and a <c>Retry-After</c> header, through the policy's own
    /// rejection handler: the application-wide <see cref="RateLimiterOptions.RejectionStatusCode"/> and
    /// <see cref="RateLimiterOptions.OnRejected"/> are left as they are. Use it with
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
        options.AddPolicy(PredictPolicyName, new PredictRateLimiterPolicy(permitsPerSecond));
        return options;
    }
}
