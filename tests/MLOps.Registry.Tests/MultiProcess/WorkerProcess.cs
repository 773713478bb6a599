using System.Diagnostics;
using System.Text;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>Starts <see cref="RegistryWorker"/> as a real OS process: <c>dotnet exec</c> on this test assembly.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _lock = new();

    private WorkerProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static WorkerProcess Start(params string[] args) => Start(fileSizeLimitKiB: null, args);

    /// <summary>
    /// Starts a worker under <c>ulimit -f</c> (bash, Linux): writes past <paramref name="fileSizeLimitKiB"/> KiB fail with
    /// EFBIG, as on a full disk (SIGXFSZ is ignored, as a shell that traps it does, or the process would be killed). The runtime then needs <c>DOTNET_EnableWriteXorExecute=0</c> (its double-mapped code memory
    /// is a file too).
    /// </summary>
    public static WorkerProcess Start(int? fileSizeLimitKiB, params string[] args)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var info = new ProcessStartInfo(fileSizeLimitKiB is null ? dotnet : "/bin/bash")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (fileSizeLimitKiB is { } limit)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"trap '' XFSZ && ulimit -f {limit.ToString(System.Globalization.CultureInfo.InvariantCulture)} && exec \"$0\" \"$@\"");
            info.ArgumentList.Add(dotnet);
            info.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        }

        info.ArgumentList.Add("exec");
        info.ArgumentList.Add(typeof(RegistryWorker).Assembly.Location);
        info.ArgumentList.Add(RegistryWorker.Verb);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (worker._lock)
                {
                    worker._stdout.AppendLine(e.Data);
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (worker._lock)
                {
                    worker._stderr.AppendLine(e.Data);
                }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    public string[] OutputLines
    {
        get
        {
            lock (_lock)
            {
                return _stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            }
        }
    }

    public string Error
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Waits for the process to exit (bounded; not a timing assertion) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(int timeoutSeconds = 120)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"Worker {_process.Id} did not exit within {timeoutSeconds} s. stdout: {string.Join(" | ", OutputLines)} stderr: {Error}");
        }

        _process.WaitForExit(); // drain the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>Writes one command line to the worker's standard input.</summary>
    public void Send(string line)
    {
        lock (_lock)
        {
            _process.StandardInput.WriteLine(line);
            _process.StandardInput.Flush();
        }
    }

    /// <summary>Waits (bounded; not a timing assertion) for the first output line starting with <paramref name="prefix"/>.</summary>
    public async Task<string> WaitForLineAsync(string prefix, int timeoutSeconds = 120)
    {
        string? found = null;
        await Eventually.HoldsAsync(
            () => (found = Array.Find(OutputLines, l => l.StartsWith(prefix, StringComparison.Ordinal))) is not null || _process.HasExited,
            $"worker {_process.Id} prints '{prefix}…'",
            timeoutSeconds: timeoutSeconds);
        return found ?? throw new InvalidOperationException($"Worker {_process.Id} exited without printing '{prefix}…'. stderr: {Error}");
    }

    /// <summary>Kills the process abruptly (SIGKILL on Unix), like <c>kill -9</c>.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }
}
