using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MLOps.TestSupport;

/// <summary>
/// A PostgreSQL cluster of the test's own, for what the shared server cannot be used for: stopping, restarting and
/// killing the database under a live host. <see cref="StartAsync"/> runs <c>initdb</c> (the newest version under
/// <c>/usr/lib/postgresql</c>, or <c>MLOPS_TEST_PG_BIN</c>) into a fresh temp directory, starts it with <c>pg_ctl</c> on a
/// free loopback port with its own socket directory, waits for <c>pg_isready</c> and creates the database; dispose stops
/// it (immediate) and deletes the directory. As root the tools run as the <c>postgres</c> user (<c>runuser</c>), since
/// PostgreSQL refuses to run as root. Every failure message carries the server's log.
/// </summary>
public sealed class ThrowawayPostgres : IAsyncDisposable
{
    /// <summary>The environment variable naming a PostgreSQL <c>bin</c> directory to use instead of the newest installed one.</summary>
    public const string BinEnvironmentVariable = "MLOPS_TEST_PG_BIN";

    private const string User = "mlops";
    private const string Database = "mlops_test";
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(120);

    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgres;
    private bool _disposed;

    private ThrowawayPostgres(string bin, string root, int port, bool asPostgres)
    {
        _bin = bin;
        _root = root;
        Port = port;
        _asPostgres = asPostgres;
    }

    /// <summary>The loopback TCP port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The connection string of the test database (role <c>mlops</c>, trust authentication on loopback).</summary>
    public string ConnectionString =>
        string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username={User};Password={User};Database={Database}");

    /// <summary>Whether the server was last started (<see langword="true"/>) or stopped by this fixture.</summary>
    public bool IsRunning { get; private set; }

    private string DataDirectory => Path.Combine(_root, "data");

    private string SocketDirectory => Path.Combine(_root, "sock");

    private string LogFile => Path.Combine(_root, "server.log");

    /// <summary>Creates, starts and prepares a new cluster; the caller disposes it.</summary>
    public static async Task<ThrowawayPostgres> StartAsync()
    {
        string bin = FindBin();
        bool asPostgres = Environment.UserName == "root";
        string root = Path.Combine(Path.GetTempPath(), "mlops-pg-" + Guid.NewGuid().ToString("N")[..16]);
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(root, "sock"));
        if (asPostgres)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", root], null).ConfigureAwait(false);
        }

        var server = new ThrowawayPostgres(bin, root, FreePort(), asPostgres);
        try
        {
            await server.ToolAsync("initdb", ["-D", server.DataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--no-sync", "--locale=C"]).ConfigureAwait(false);
            await server.StartServerAsync().ConfigureAwait(false);
            await server.ToolAsync("createdb", ["-h", "127.0.0.1", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-U", User, Database]).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary><c>pg_ctl restart -m fast</c>: every connection is closed and the server is ready again when this returns.</summary>
    public async Task RestartAsync()
    {
        await ToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-m", "fast", "-w", "-t", "120", "-o", ServerOptions, "restart"]).ConfigureAwait(false);
        IsRunning = true;
        await WaitReadyAsync().ConfigureAwait(false);
    }

    /// <summary><c>pg_ctl stop -m fast</c>: the server is down (connections refused) when this returns.</summary>
    public async Task StopAsync()
    {
        IsRunning = false;
        await ToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "120", "stop"]).ConfigureAwait(false);
    }

    /// <summary>Starts the stopped server again and waits until it accepts connections.</summary>
    public Task StartServerAsync() => StartCoreAsync();

    /// <summary>The server's log so far (for failure messages).</summary>
    public string ReadLog()
    {
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            string text = reader.ReadToEnd();
            return text.Length <= 8000 ? text : "…" + text[^8000..];
        }
        catch (IOException e)
        {
            return $"(no server log: {e.Message})";
        }
        catch (UnauthorizedAccessException e)
        {
            return $"(no server log: {e.Message})";
        }
    }

    /// <summary>Stops the server (immediate: nothing of it needs to survive) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await ToolAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "-t", "60", "stop"]).ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already stopped, or it cannot be stopped: the directory is removed below either way.
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string ServerOptions => string.Create(
        CultureInfo.InvariantCulture,
        $"-p {Port} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200");

    private async Task StartCoreAsync()
    {
        await ToolAsync("pg_ctl", ["-D", DataDirectory, "-l", LogFile, "-w", "-t", "120", "-o", ServerOptions, "start"]).ConfigureAwait(false);
        IsRunning = true;
        await WaitReadyAsync().ConfigureAwait(false);
    }

    private async Task WaitReadyAsync()
    {
        DateTime deadline = DateTime.UtcNow + ToolTimeout;
        string[] args = ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-d", "postgres", "-t", "5"];
        while (true)
        {
            (int exit, string output) = await RunCoreAsync(Tool("pg_isready"), args).ConfigureAwait(false);
            if (exit == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The throwaway PostgreSQL server on port {Port} never became ready: {output}\nServer log:\n{ReadLog()}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    private Task ToolAsync(string tool, string[] args) => RunAsync(Tool(tool), args, this);

    private (string File, string[] Args) Tool(string tool) =>
        _asPostgres ? ("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool)]) : (Path.Combine(_bin, tool), []);

    private Task<(int Exit, string Output)> RunCoreAsync((string File, string[] Prefix) tool, string[] args) =>
        RunProcessAsync(tool.File, [.. tool.Prefix, .. args]);

    private static async Task RunAsync((string File, string[] Prefix) tool, string[] args, ThrowawayPostgres? server)
    {
        (int exit, string output) = await RunProcessAsync(tool.File, [.. tool.Prefix, .. args]).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException(
                $"'{tool.File} {string.Join(' ', tool.Prefix.Concat(args))}' exited with {exit}: {output}" +
                (server is null ? "" : $"\nServer log:\n{server.ReadLog()}"));
        }
    }

    private static Task RunAsync(string file, string[] args, ThrowawayPostgres? server) => RunAsync((file, []), args, server);

    private static async Task<(int Exit, string Output)> RunProcessAsync(string file, string[] args)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"'{file}' could not be started.");
        var output = new StringBuilder();
        var lines = new Lock();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (lines) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(ToolTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"'{file} {string.Join(' ', args)}' did not finish within {ToolTimeout.TotalSeconds} s: {output}");
        }

        process.WaitForExit();   // the asynchronous output readers are done
        lock (lines)
        {
            return (process.ExitCode, output.ToString());
        }
    }

    private static string FindBin()
    {
        if (Environment.GetEnvironmentVariable(BinEnvironmentVariable) is { Length: > 0 } configured)
        {
            return configured;
        }

        const string installed = "/usr/lib/postgresql";
        string? newest = Directory.Exists(installed)
            ? Directory.GetDirectories(installed)
                .Where(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out _) && File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture))
                .FirstOrDefault()
            : null;
        return newest is null
            ? throw new InvalidOperationException(
                $"The outage tests run a PostgreSQL cluster of their own and found no PostgreSQL server binaries under {installed}: install the postgresql package or set {BinEnvironmentVariable} to a bin directory with initdb and pg_ctl.")
            : Path.Combine(newest, "bin");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
