using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>
/// One versioned schema migration: an embedded <c>Postgres/Migrations/NNNN_name.sql</c> script. Scripts name the
/// registry's schema <c>__schema__</c>; it is replaced by the configured schema, quoted, when the script runs.
/// </summary>
internal sealed class PostgresMigration
{
    private const string ResourcePrefix = "MLOps.Registry.Postgres.Migrations.";
    internal const string SchemaPlaceholder = "__schema__";

    private PostgresMigration(int version, string name, string script)
    {
        Version = version;
        Name = name;
        Script = script;
        Checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(script)));
    }

    public int Version { get; }

    public string Name { get; }

    public string Script { get; }

    /// <summary>Gets the SHA-256 of the script text, recorded with the applied version.</summary>
    public string Checksum { get; }

    /// <summary>Gets every embedded migration, ordered by version (distinct numbers, possibly with gaps).</summary>
    public static IReadOnlyList<PostgresMigration> All { get; } = Load();

    /// <summary>Gets the schema version this build of the SDK creates and understands.</summary>
    public static int LatestVersion => All[^1].Version;

    public string ScriptFor(string quotedSchema) => Script.Replace(SchemaPlaceholder, quotedSchema, StringComparison.Ordinal);

    private static PostgresMigration[] Load()
    {
        Assembly assembly = typeof(PostgresMigration).Assembly;
        var migrations = new List<PostgresMigration>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            string file = resource[ResourcePrefix.Length..^".sql".Length];
            int separator = file.IndexOf('_', StringComparison.Ordinal);
            int version = int.Parse(file.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture);
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            migrations.Add(new PostgresMigration(version, file[(separator + 1)..], reader.ReadToEnd()));
        }

        // Numbers may have gaps (features developed in parallel reserve theirs); the migrator applies each one the schema
        // has not recorded, so a migration that lands after a higher-numbered one is still applied.
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (int i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version < 1 || (i > 0 && migrations[i].Version == migrations[i - 1].Version))
            {
                throw new InvalidOperationException($"The embedded PostgreSQL migrations must have distinct positive numbers (found {migrations[i].Version} twice or below 1).");
            }
        }

        return [.. migrations];
    }
}
