using System.CommandLine;
using System.Globalization;
using MLOps.Cli.Registry;

namespace MLOps.Cli.Commands;

/// <summary>The options every command shares (<c>--json</c>) and the registry options of the registry commands.</summary>
internal sealed class CliContext
{
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write the result as JSON to stdout (for scripts).",
        Recursive = true,
    };

    /// <summary>Adds <c>--registry</c>, <c>--schema</c> and <c>--actor</c> to a registry command and returns a way to open the registry it names.</summary>
    public static RegistryOptions AddRegistryOptions(Command command)
    {
        var options = new RegistryOptions();
        command.Add(options.Registry);
        command.Add(options.Schema);
        command.Add(options.Actor);
        return options;
    }

    /// <summary>An argument as an error message quotes it: at most 40 characters, as the CSV errors do (an argument can be anything a shell passes).</summary>
    private static string Shorten(string value) => Data.CsvSource.Shorten(value);

    public static ModelName ParseModel(string value) =>
        ModelName.TryParse(value, out ModelName name) ? name
            : throw new CliException($"'{Shorten(value)}' is not a valid model name ({ModelName.Pattern}).");

    public static ModelVersion ParseVersion(string value) =>
        ModelVersion.TryParse(value, out ModelVersion version) ? version
            : throw new CliException($"'{Shorten(value)}' is not a valid model version: a version is a positive integer such as 3 (or v3).");

    public static ModelAlias ParseAlias(string value) =>
        ModelAlias.TryParse(value, out ModelAlias alias) ? alias
            : throw new CliException($"'{Shorten(value)}' is not a valid alias.");

    public static DateTimeOffset? ParseTime(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time)
            ? time
            : throw new CliException($"{option}: '{Shorten(value)}' is not a date and time (use ISO 8601, for example 2026-01-31 or 2026-01-31T12:00:00Z).");
    }

    internal sealed class RegistryOptions
    {
        public Option<string?> Registry { get; } = new("--registry", "-r")
        {
            Description = $"The registry: a directory (file-system registry) or a PostgreSQL connection string \"Host=…;Database=…\". Default: ${RegistryConnection.EnvironmentVariable}.",
            HelpName = "dir|connection-string",
        };

        public Option<string?> Schema { get; } = new("--schema")
        {
            Description = $"The PostgreSQL schema of the registry. Default: ${RegistryConnection.SchemaEnvironmentVariable}, else '{PostgresRegistryOptions.DefaultSchema}'.",
        };

        public Option<string?> Actor { get; } = new("--actor")
        {
            Description = "Who makes the change, recorded in the audit trail. Default: the user name.",
        };

        public RegistryLease Open(ParseResult result) =>
            new(RegistryConnection.Open(result.GetValue(Registry), result.GetValue(Schema), result.GetValue(Actor)));
    }
}
