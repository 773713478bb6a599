using Microsoft.AspNetCore.RateLimiting;

namespace MLOps.AspNetCore;

/// <summary>Limits and behaviour of the endpoints mapped by <c>MapMLOps()</c>.</summary>
public sealed class MLOpsEndpointOptions
{
    /// <summary>The default <see cref="MaxRequestBodySize"/>: 1 MiB.</summary>
    public const long DefaultMaxRequestBodySize = 1024 * 1024;

    /// <summary>The default <see cref="MaxBatchSize"/>: 1,000 inputs.</summary>
    public const int DefaultMaxBatchSize = 1000;

    /// <summary>The default <see cref="MaxJsonDepth"/>: 16.</summary>
    public const int DefaultMaxJsonDepth = 16;

    /// <summary>Gets or sets the largest accepted request body, in bytes; larger bodies get 413 with ProblemDetails.</summary>
    /// <value>The default value is 1 MiB.</value>
    public long MaxRequestBodySize { get; set; } = DefaultMaxRequestBodySize;

    /// <summary>Gets or sets the largest number of inputs in one batch request; more get 413 with ProblemDetails.</summary>
    /// <value>The default value is 1,000.</value>
    public int MaxBatchSize { get; set; } = DefaultMaxBatchSize;

    /// <summary>Gets or sets the deepest JSON nesting accepted; deeper documents get 400 with ProblemDetails.</summary>
    /// <value>The default value is 16.</value>
    public int MaxJsonDepth { get; set; } = DefaultMaxJsonDepth;

    /// <summary>
    /// Gets or sets whether an input with a field the model does not have is rejected (400, naming the field) rather
    /// than ignored. Rejecting catches misspelt feature names, which would otherwise silently predict from defaults.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool RejectUnknownFields { get; set; } = true;

    /// <summary>
    /// Gets or sets the name of a rate-limiting policy (registered with ASP.NET Core's <c>AddRateLimiter</c>) applied to
    /// the predict endpoints, or <see langword="null"/> for none. <c>AddMLOpsPredictPolicy()</c> registers a
    /// default policy named <see cref="MLOpsRateLimiting.PredictPolicyName"/>.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? PredictRateLimitPolicy { get; set; }

    /// <summary>The default <see cref="ManagementPolicy"/>.</summary>
    public const string DefaultManagementPolicy = "MLOps.Admin";

    /// <summary>
    /// Gets or sets the authorization policy the management endpoints (promote, rollback, approvals, audit, retrain)
    /// require. Define it with <c>AddAuthorization(o =&gt; o.AddPolicy("MLOps.Admin", …))</c>.
    /// </summary>
    /// <value>The default value is <c>MLOps.Admin</c>.</value>
    public string ManagementPolicy { get; set; } = DefaultManagementPolicy;

    /// <summary>
    /// Gets or sets whether the management endpoints are mapped <b>without</b> authorization when the host has no
    /// authentication configured. Off by default: without authentication they are not mapped at all, so a service never
    /// exposes promote/rollback to anonymous callers by accident. Turn it on only for local development and samples.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool AllowUnauthenticatedManagement { get; set; }

    /// <summary>The default <see cref="AssignmentKeyHeader"/>.</summary>
    public const string DefaultAssignmentKeyHeader = "X-Assignment-Key";

    /// <summary>The longest assignment key the predict endpoints accept, in characters.</summary>
    public const int MaxAssignmentKeyLength = 256;

    /// <summary>
    /// Gets or sets the request header whose value is the sticky assignment key of a prediction during a rollout (the same
    /// key gets the same arm on every replica; see <c>IModelClient.Predict(input, assignmentKey)</c>), or
    /// <see langword="null"/> to ignore headers (the model's <c>AssignBy</c>, else a random draw, decides). A header that
    /// is repeated, blank or longer than <see cref="MaxAssignmentKeyLength"/> characters is answered with 400.
    /// </summary>
    /// <value>The default value is <c>X-Assignment-Key</c>.</value>
    public string? AssignmentKeyHeader { get; set; } = DefaultAssignmentKeyHeader;

    internal void Validate()
    {
        if (AssignmentKeyHeader is not null && (AssignmentKeyHeader.Length == 0 || AssignmentKeyHeader.Any(c => c is <= ' ' or >= (char)127 or ':')))
        {
            throw new ArgumentException("The assignment key header must be a header name (visible ASCII, no colon), or null.", nameof(AssignmentKeyHeader));
        }

        if (MaxRequestBodySize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRequestBodySize), MaxRequestBodySize, "must be at least 1 byte.");
        }

        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize, "must be at least 1.");
        }

        if (string.IsNullOrWhiteSpace(ManagementPolicy))
        {
            throw new ArgumentException("The management policy name must not be empty.", nameof(ManagementPolicy));
        }

        if (MaxJsonDepth is < 2 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxJsonDepth), MaxJsonDepth, "must be between 2 and 256.");
        }
    }
}
