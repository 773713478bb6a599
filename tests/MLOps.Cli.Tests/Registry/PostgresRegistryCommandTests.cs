using MLOps.Cli.Tests.Support;

namespace MLOps.Cli.Tests.Registry;

/// <summary>The registry commands on a PostgreSQL registry in a fresh schema (dropped afterwards).</summary>
public sealed class PostgresRegistryCommandTests : RegistryCommandTests
{
    private PostgresSchema? _schema;

    protected override string[] RegistryArgs => ["--registry", _schema!.ConnectionString, "--schema", _schema.Name];

    public override async Task InitializeAsync()
    {
        _schema = await PostgresSchema.CreateAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }
    }

    protected override ModelRegistry OpenRegistry() =>
        new PostgresModelRegistry(new PostgresRegistryOptions { ConnectionString = _schema!.ConnectionString, Schema = _schema.Name, ListenForNotifications = false });

    [Fact]
    public async Task ModelsList_UnreachableServer_ExitsWithTwo()
    {
        CliResult result = await CliRun.RunAsync("models", "list", "--registry", "Host=127.0.0.1;Port=1;Username=x;Password=x;Database=x;Timeout=2");

        CliRun.AssertUserError(result, 2, "PostgreSQL");
    }
}
