using MLOps;

namespace TaxiService;

/// <summary>
/// <c>Benchmark:Shadow=true</c> (benchmarks/http/run.sh with <c>SHADOW=true</c>): before the host starts, registers a
/// copy of the champion as a second version and starts a shadow rollout of it at 100 %, so every request is mirrored
/// to a second version off the caller's path. The copy predicts the same as the champion; what the benchmark measures
/// is what mirroring costs the caller, not a different model.
/// </summary>
internal static class ShadowBenchmark
{
    public static async Task EnsureShadowAsync(IModelRegistry registry)
    {
        var name = ModelName.Parse("taxi-duration");
        if (await registry.GetActiveRolloutAsync(name) is { } active)
        {
            Console.WriteLine($"taxi-duration already has an active {active.Strategy} rollout of version {active.Candidate}.");
            return;
        }

        RegisteredModelVersion champion = await registry.ResolveAsync(ModelReference.ForAlias(name, ModelAlias.Champion))
            ?? throw new InvalidOperationException("The shadow benchmark needs a champion.");
        byte[] artifact = await registry.ReadArtifactAsync(name, champion.Version);
        ReferenceProfileBlob? profile = await registry.GetReferenceProfileAsync(name, champion.Version);
        RegisteredModelVersion copy = await registry.RegisterVersionAsync(new RegisterVersionRequest(name, [ModelArtifact.FromBytes(artifact)])
        {
            Description = $"A copy of version {champion.Version}, the shadow of the HTTP benchmark.",
            Signature = champion.Signature,
            ReferenceProfile = profile,
            Actor = "taxi-sample",
        });
        await registry.StartRolloutAsync(new StartRolloutRequest(name, copy.Version, RolloutStrategy.Shadow)
        {
            Steps = [100],
            Reason = "HTTP benchmark: mirror every request",
            Actor = "taxi-sample",
        });
        Console.WriteLine($"Started a shadow rollout of taxi-duration v{copy.Version} (a copy of v{champion.Version}) at 100 %.");
    }
}
