using Microsoft.Extensions.Options;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>The rules data annotations cannot express; every failure is reported at once.</summary>
internal sealed class PostgresRegistryOptionsValidator : IValidateOptions<PostgresRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresRegistryOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.DataSource is null && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            builder.AddError(
                "set a connection string (AddPostgresRegistry(connectionString) or o.ConnectionString) or a data source (o.DataSource).",
                nameof(PostgresRegistryOptions.ConnectionString));
        }
        else if (options.DataSource is not null && !string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            builder.AddError("set either a connection string or a data source, not both.", nameof(PostgresRegistryOptions.ConnectionString));
        }
        else if (options.DataSource is null)
        {
            try
            {
                var connection = new NpgsqlConnectionStringBuilder(options.ConnectionString);
                if (string.IsNullOrEmpty(connection.Host))
                {
                    builder.AddError("the connection string names no Host.", nameof(PostgresRegistryOptions.ConnectionString));
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                builder.AddError($"is not a valid PostgreSQL connection string: {ex.Message}", nameof(PostgresRegistryOptions.ConnectionString));
            }
        }

        if (options.CommandTimeout < TimeSpan.FromSeconds(1) || options.CommandTimeout > TimeSpan.FromHours(1))
        {
            builder.AddError("must be between 1 second and 1 hour.", nameof(PostgresRegistryOptions.CommandTimeout));
        }

        if (options.ReconnectDelay < TimeSpan.FromMilliseconds(10) || options.ReconnectDelay > TimeSpan.FromMinutes(5))
        {
            builder.AddError("must be between 10 milliseconds and 5 minutes.", nameof(PostgresRegistryOptions.ReconnectDelay));
        }

        if (options.PollInterval != TimeSpan.Zero && (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromHours(1)))
        {
            builder.AddError("must be zero (no polling) or between 100 milliseconds and 1 hour.", nameof(PostgresRegistryOptions.PollInterval));
        }

        if (options.DefaultActor is { } actor && (string.IsNullOrWhiteSpace(actor) || actor.Length > 256))
        {
            builder.AddError("must be null or 1 to 256 characters.", nameof(PostgresRegistryOptions.DefaultActor));
        }

        if (options.MaxRolloutDecisions is < 1 or > PostgresRegistryOptions.MaxRolloutDecisionsLimit)
        {
            builder.AddError($"must be from 1 to {PostgresRegistryOptions.MaxRolloutDecisionsLimit}.", nameof(PostgresRegistryOptions.MaxRolloutDecisions));
        }

        return builder.Build();
    }
}
