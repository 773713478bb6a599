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

    public ValueTask DisposeAsync() => _owned ? Value.DisposeAsync() : ValueTask.CompletedTask;

    public void Dispose()
    {
        if (_owned)
        {
            Value.Dispose();
        }
    }
}
