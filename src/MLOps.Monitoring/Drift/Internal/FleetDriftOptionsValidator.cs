using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>Checks <see cref="FleetDriftOptions"/> at startup, listing every error.</summary>
internal sealed class FleetDriftOptionsValidator : IValidateOptions<FleetDriftOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetDriftOptions options)
    {
        var errors = new List<string>();
        if (options.BucketLength < TimeSpan.FromSeconds(1) || options.BucketLength > TimeSpan.FromDays(1) || options.BucketLength.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add($"FleetDriftOptions.BucketLength must be a whole number of seconds between 1 second and 1 day (was {options.BucketLength}).");
        }

        if (options.GracePeriod < TimeSpan.Zero || options.GracePeriod > TimeSpan.FromDays(1))
        {
            errors.Add($"FleetDriftOptions.GracePeriod must be between 0 and 1 day (was {options.GracePeriod}).");
        }

        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"FleetDriftOptions.PollInterval must be between 100 ms and 1 hour (was {options.PollInterval}).");
        }

        if (options.QueueCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"FleetDriftOptions.QueueCapacity must be between 1 and 1,000,000 (was {options.QueueCapacity}).");
        }

        if (options.Retention < TimeSpan.FromHours(1) || options.Retention > TimeSpan.FromDays(3650))
        {
            errors.Add($"FleetDriftOptions.Retention must be between 1 hour and 3650 days (was {options.Retention}).");
        }
        else if (options.Retention <= options.BucketLength + options.GracePeriod)
        {
            errors.Add($"FleetDriftOptions.Retention ({options.Retention}) must be longer than BucketLength + GracePeriod ({options.BucketLength + options.GracePeriod}), so a bucket is evaluated before it expires.");
        }

        return errors.Count > 0 ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
