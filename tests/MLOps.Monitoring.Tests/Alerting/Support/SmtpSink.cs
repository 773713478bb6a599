using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MLOps.Monitoring.Tests.Alerting.Support;

/// <summary>
/// Runs <c>Alerting/smtp_sink.py</c> (a real aiosmtpd SMTP server) as a child process on a free loopback port and
/// reads the messages it writes to a temporary directory. Needs <c>python3</c> with <c>aiosmtpd</c> (Debian
/// <c>python3-aiosmtpd</c>).
/// </summary>
internal sealed class SmtpSink : IDisposable
{
    private readonly Process _process;

    private SmtpSink(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    public static async Task<SmtpSink> StartAsync()
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Alerting", "smtp_sink.py");
        string directory = Path.Combine(Path.GetTempPath(), "mlops-smtp-" + Guid.NewGuid().ToString("N"));
        int port = FreePort();
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python)
        {
            ArgumentList = { script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), directory },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        var sink = new SmtpSink(process, port, directory);
        Task<string?> ready = process.StandardOutput.ReadLineAsync();
        Task finished = await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30)));
        if (finished != ready || await ready != "READY")
        {
            string error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "(still running)";
            sink.Dispose();
            throw new InvalidOperationException(
                $"The SMTP sink did not start (needs python3 with aiosmtpd: apt-get install python3-aiosmtpd): {error}");
        }

        return sink;
    }

    public async Task<(string Envelope, string Message)> WaitForMessageAsync(int number)
    {
        string path = Path.Combine(Directory, number.ToString("0000", System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.HoldsAsync(() => File.Exists(path + ".eml"), $"message {number} received by the SMTP sink");
        return (await File.ReadAllTextAsync(path + ".envelope"), await File.ReadAllTextAsync(path + ".eml"));
    }

    public int MessageCount => System.IO.Directory.Exists(Directory) ? System.IO.Directory.GetFiles(Directory, "*.eml").Length : 0;

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
