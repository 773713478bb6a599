using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>The registry's data source: the configured one, or one built (and owned) from the connection string.</summary>
internal sealed class PostgresRegistryDataSource : IAsyncDisposable, IDisposable
{
    internal const string DefaultApplicationName = "MLOps.Registry";

    private readonly bool _owned;

    public PostgresRegistryDataSource(IOptions<PostgresRegistryOptions> options)
    {
        PostgresRegistryOptions value = options.Value;
        if (value.DataSource is { } dataSource)
        {
            Value = dataSource;
            return;
        }

        var builder = new NpgsqlDataSourceBuilder(value.ConnectionString);
        if (string.IsNullOrEmpty(builder.ConnectionStringBuilder.ApplicationName))
        {
            builder.ConnectionStringBuilder.ApplicationName = DefaultApplicationName;
        }

        Value = builder.Build();
        _owned = true;
    }

    public NpgsqlDataSource Value { get; }

    /// <summary>Gets whether this object built the data source (and disposes it).</summary>
    public bool Owned => _owned;

    /// <summary>Validates <paramref name="options"/> as the host would (every error listed) and opens their data source.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static PostgresRegistryDataSource Open(PostgresRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            errors.AddRange(results.Select(r => r.ErrorMessage ?? "invalid."));
        }

        ValidateOptionsResult validation = new PostgresRegistryOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            errors.AddRange(validation.Failures);
        }

        return errors.Count > 0
            ? throw new ArgumentException("The PostgreSQL options are invalid: " + string.Join(" ", errors), nameof(options))
            : new PostgresRegistryDataSource(Options.Create(options));
    }

    public ValueTask DisposeAsync() => _owned ? Value.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_owned)
        {
            Value.Dispose();
        }
    }
}
