using System.Reflection;
using PublicApiGenerator;
using Xunit;

namespace MLOps.TestSupport;

/// <summary>
/// Compares an assembly's public API with the committed baseline <c>PublicApi/&lt;Assembly&gt;.approved.txt</c>.
/// On a difference it writes <c>.received.txt</c> next to it and fails; to accept an intended change, run the tests
/// with <c>MLOPS_ACCEPT_PUBLIC_API=1</c> (or copy the received file over the approved one) and commit the diff.
/// </summary>
public static class PublicApiAssert
{
    /// <summary>Fails, and writes the received API next to the baseline, when <paramref name="assembly"/>'s public API differs from it.</summary>
    public static void MatchesApproved(Assembly assembly)
    {
        string api = assembly.GeneratePublicApi(new ApiGeneratorOptions
        {
            ExcludeAttributes = ["System.Runtime.Versioning.TargetFrameworkAttribute", "System.Reflection.AssemblyMetadataAttribute"],
            // Our DI, OpenTelemetry and endpoint extensions live in Microsoft.* and OpenTelemetry.* namespaces by design.
            AllowNamespacePrefixes = ["Microsoft.Extensions.DependencyInjection", "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.RateLimiting", "OpenTelemetry"],
        }).ReplaceLineEndings("\n");
        string directory = Path.Combine(FindTestProjectDirectory(), "PublicApi");
        Directory.CreateDirectory(directory);
        string name = assembly.GetName().Name!;
        string approvedPath = Path.Combine(directory, name + ".approved.txt");
        string receivedPath = Path.Combine(directory, name + ".received.txt");
        string? approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : null;
        if (approved == api)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable("MLOPS_ACCEPT_PUBLIC_API") == "1")
        {
            File.WriteAllText(approvedPath, api);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, api);
        Assert.Fail(
            $"The public API of {name} changed. Review the difference between {receivedPath} and {approvedPath}; " +
            "if it is intended, accept it with MLOPS_ACCEPT_PUBLIC_API=1 and commit the approved file.");
    }

    /// <summary>
    /// The test project's directory, found from the test assembly's output folder (bin/Debug/net10.0) upwards.
    /// Not <c>[CallerFilePath]</c>: CI builds are deterministic (<c>ContinuousIntegrationBuild</c>), which maps source
    /// paths to <c>/_/</c>, so the caller's path does not exist on disk there.
    /// </summary>
    private static string FindTestProjectDirectory()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (dir.EnumerateFiles("*.Tests.csproj").Any())
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No *.Tests.csproj above {AppContext.BaseDirectory}.");
    }
}
