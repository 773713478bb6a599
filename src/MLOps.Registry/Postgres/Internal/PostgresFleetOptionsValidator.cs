using Microsoft.Extensions.Options;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>The rules of <see cref="PostgresFleetOptions"/> data annotations cannot express; every failure is reported at once.</summary>
internal sealed class PostgresFleetOptionsValidator : IValidateOptions<PostgresFleetOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresFleetOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.RetryInterval < TimeSpan.FromMilliseconds(100) || options.RetryInterval > TimeSpan.FromMinutes(5))
        {
            builder.AddError("must be between 100 milliseconds and 5 minutes.", nameof(PostgresFleetOptions.RetryInterval));
        }

        if (options.KeepAliveInterval < TimeSpan.FromMilliseconds(100))
        {
            builder.AddError("must be at least 100 milliseconds.", nameof(PostgresFleetOptions.KeepAliveInterval));
        }

        if (options.KeepAliveTimeout < TimeSpan.FromSeconds(1) || options.KeepAliveTimeout.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            builder.AddError("must be a whole number of seconds, at least 1 (it is the keep-alive query's command timeout).", nameof(PostgresFleetOptions.KeepAliveTimeout));
        }

        if (options.KeepAliveInterval + options.KeepAliveTimeout > PostgresFleetOptions.MaxKeepAliveDetection)
        {
            builder.AddError(
                $"KeepAliveInterval + KeepAliveTimeout must be at most {PostgresFleetOptions.MaxKeepAliveDetection.TotalSeconds:0} seconds, so a leader whose connection died steps down before the server releases its lock.",
                nameof(PostgresFleetOptions.KeepAliveInterval));
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || options.HeartbeatInterval > TimeSpan.FromMinutes(10))
        {
            builder.AddError("must be between 100 milliseconds and 10 minutes.", nameof(PostgresFleetOptions.HeartbeatInterval));
        }

        if (options.LockName is { } lockName && string.IsNullOrWhiteSpace(lockName))
        {
            builder.AddError("must be null or not white space.", nameof(PostgresFleetOptions.LockName));
        }

        if (options.ReplicaId is { } replicaId && string.IsNullOrWhiteSpace(replicaId))
        {
            builder.AddError("must be null or not white space.", nameof(PostgresFleetOptions.ReplicaId));
        }

        return builder.Build();
    }
}
