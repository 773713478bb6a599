namespace MLOps.Cli.Registry;

/// <summary>
/// Opens the registry named by <c>--registry</c> (or <c>MLOPS_REGISTRY</c>): a directory is a file-system registry, a
/// PostgreSQL connection string (<c>Host=…</c>) a PostgreSQL one, built with their public constructors.
/// </summary>
internal static class RegistryConnection
{
    public const string EnvironmentVariable = "MLOPS_REGISTRY";
    public const string SchemaEnvironmentVariable = "MLOPS_REGISTRY_SCHEMA";

    public static bool IsConnectionString(string value) =>
        value.Contains('=', StringComparison.Ordinal) &&
        (value.Contains("Host=", StringComparison.OrdinalIgnoreCase) || value.Contains("Server=", StringComparison.OrdinalIgnoreCase));

    /// <summary>Opens the registry; the caller disposes it.</summary>
    public static ModelRegistry Open(string? registry, string? schema, string? actor)
    {
        registry ??= Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(registry))
        {
            throw new CliException($"No registry: pass --registry <directory> or --registry \"Host=…;Database=…\", or set {EnvironmentVariable}.");
        }

        actor ??= Environment.UserName;
        if (IsConnectionString(registry))
        {
            schema ??= Environment.GetEnvironmentVariable(SchemaEnvironmentVariable) is { Length: > 0 } s ? s : PostgresRegistryOptions.DefaultSchema;
            try
            {
                return new PostgresModelRegistry(new PostgresRegistryOptions
                {
                    ConnectionString = registry,
                    Schema = schema,
                    DefaultActor = actor,
                    ListenForNotifications = false,
                });
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"The PostgreSQL registry options are invalid: {ex.Message}");
            }
        }

        if (!Directory.Exists(registry))
        {
            throw new CliException($"{registry}: no such directory (no file-system registry there).");
        }

        try
        {
            return new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = registry, DefaultActor = actor, WatchForChanges = false });
        }
        catch (ArgumentException ex)
        {
            throw new CliException($"{registry}: {ex.Message}");
        }
    }
}
