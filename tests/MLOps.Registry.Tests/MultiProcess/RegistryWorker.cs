using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace MLOps.Registry.Tests.MultiProcess;

/// <summary>
/// The entry point of this test assembly, run as a separate OS process by the multi-process tests
/// (<c>dotnet exec MLOps.Registry.Tests.dll registry-worker &lt;command&gt; &lt;root&gt; &lt;model&gt; …</c>). The xunit
/// runner never calls it.
/// </summary>
public static class RegistryWorker
{
    public const string Verb = "registry-worker";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length >= 2 && args[0] == Verb && args[1] == PostgresTrackingWorker.Command)
        {
            return await PostgresTrackingWorker.RunAsync(args[2..]);
        }

        if (args.Length >= 5 && args[0] == Verb && args[1] == QualityFleetWorker.Command)
        {
            return await QualityFleetWorker.RunAsync(args[2..]);
        }

        if (args.Length >= 5 && args[0] == Verb && args[1] == FleetDriftWorker.Command)
        {
            return await FleetDriftWorker.RunAsync(args[2..]);
        }

        if (args.Length >= 3 && args[0] == Verb && args[1] == FleetWorker.Command)
        {
            return await FleetWorker.RunAsync(args[2..]);
        }

        if (args.Length < 4 || args[0] != Verb)
        {
            await Console.Error.WriteLineAsync($"usage: {Verb} register|crash|loop|promote|count-faults|limited <root> <model> [args]");
            return 2;
        }

        string command = args[1];
        using var registry = new FileSystemModelRegistry(new FileSystemRegistryOptions
        {
            RootPath = args[2],
            WatchForChanges = false,
            LockTimeout = TimeSpan.FromMinutes(2),
            DefaultActor = "worker-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        });
        ModelName name = ModelName.Parse(args[3]);
        switch (command)
        {
            case "register":
                int count = int.Parse(args[4], CultureInfo.InvariantCulture);
                for (int i = 0; i < count; i++)
                {
                    RegisteredModelVersion v = await RegisterAsync(registry, name, 4096);
                    Console.WriteLine("registered " + v.Version.Number.ToString(CultureInfo.InvariantCulture));
                }

                return 0;

            case "loop":
                while (true)
                {
                    RegisteredModelVersion v = await RegisterAsync(registry, name, 256 * 1024);
                    Console.WriteLine("registered " + v.Version.Number.ToString(CultureInfo.InvariantCulture));
                }

            case "count-faults":
            {
                int faults = 0;
                registry.Fault = _ => Interlocked.Increment(ref faults);
                await RunOperationAsync(registry, name, args[4]);
                Console.WriteLine("faults " + faults.ToString(CultureInfo.InvariantCulture));
                return 0;
            }

            case "crash":
            {
                // Kill this process (SIGKILL on Unix, TerminateProcess on Windows) at the k-th instrumented step of a write.
                int k = int.Parse(args[5], CultureInfo.InvariantCulture);
                int seen = 0;
                registry.Fault = point =>
                {
                    if (Interlocked.Increment(ref seen) == k)
                    {
                        Console.WriteLine("killing at " + point);
                        Process.GetCurrentProcess().Kill();
                        Thread.Sleep(Timeout.Infinite);
                    }
                };
                await RunOperationAsync(registry, name, args[4]);
                Console.WriteLine("completed");
                return 0;
            }

            case "limited":
                // Run one operation (under the caller's ulimit -f) and report how it ended.
                try
                {
                    await RunOperationAsync(registry, name, args[4]);
                    Console.WriteLine("ok");
                }
                catch (ModelRegistryException ex)
                {
                    Console.WriteLine($"registry-exception {ex.ErrorCode} {ex.InnerException?.GetType().Name}");
                    await Console.Error.WriteLineAsync(ex.ToString());
                }
#pragma warning disable CA1031 // report any other exception to the test
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    Console.WriteLine($"other-exception {ex.GetType().Name}");
                    await Console.Error.WriteLineAsync(ex.ToString());
                }

                return 0;

            case "promote":
                try
                {
                    await registry.PromoteAsync(new PromoteRequest(name, ModelVersion.Parse(args[4]), ModelAlias.Parse(args[5]))
                    {
                        ExpectedRevision = long.Parse(args[6], CultureInfo.InvariantCulture),
                    });
                    Console.WriteLine("won");
                }
                catch (RegistryConflictException)
                {
                    Console.WriteLine("conflict");
                }

                return 0;

            default:
                await Console.Error.WriteLineAsync("unknown command " + command);
                return 2;
        }
    }

    private static Task<RegisteredModelVersion> RegisterAsync(FileSystemModelRegistry registry, ModelName name, int size) =>
        registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(RandomNumberGenerator.GetBytes(size))])
        {
            Metrics = new Dictionary<string, double> { ["r2"] = 0.5 },
            Params = new Dictionary<string, string> { ["pid"] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) },
        });

    private static async Task RunOperationAsync(FileSystemModelRegistry registry, ModelName name, string operation)
    {
        switch (operation)
        {
            case "register":
                await RegisterAsync(registry, name, 200_000);
                break;
            case "register-small":
                await RegisterAsync(registry, name, 1000);
                break;
            case "promote":
                RegisteredModel model = (await registry.GetModelAsync(name))!;
                await registry.PromoteAsync(new PromoteRequest(name, model.LatestVersion!.Value, ModelAlias.Champion) { Reason = "crash test" });
                break;
            case "promote-staging":
                await registry.PromoteAsync(new PromoteRequest(name, new ModelVersion(1), ModelAlias.Parse("staging")) { Reason = "full disk test" });
                break;
            default:
                throw new ArgumentException("unknown operation " + operation);
        }
    }
}
