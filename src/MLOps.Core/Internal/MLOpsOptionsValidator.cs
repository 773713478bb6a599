using Microsoft.Extensions.Options;

namespace MLOps.Internal;

/// <summary>Cross-field and TimeSpan rules that data annotations cannot express; all failures are reported at once.</summary>
internal sealed class MLOpsOptionsValidator : IValidateOptions<MLOpsOptions>
{
    public ValidateOptionsResult Validate(string? name, MLOpsOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.ReloadDelay < TimeSpan.Zero || options.ReloadDelay > TimeSpan.FromMinutes(10))
        {
            builder.AddError("must be between 0 and 10 minutes.", nameof(MLOpsOptions.ReloadDelay));
        }

        if (options.PollInterval != TimeSpan.Zero
            && (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromHours(1)))
        {
            builder.AddError("must be zero (no polling) or between 100 milliseconds and 1 hour.", nameof(MLOpsOptions.PollInterval));
        }

        if (options.ObserverErrorLogInterval < TimeSpan.Zero)
        {
            builder.AddError("must not be negative.", nameof(MLOpsOptions.ObserverErrorLogInterval));
        }

        return builder.Build();
    }
}
