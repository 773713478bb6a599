using System.Text.Json;
using BenchmarkDotNet.Attributes;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;

namespace MLOps.Benchmarks.Registry;

/// <summary>
/// Reads from a file-system registry holding one model with 10,000 versions: resolve the champion alias (what a
/// serving replica does on every change event and poll), get one version, and list all 10,000 versions, next to a
/// raw read of <c>model.json</c>.
/// </summary>
[MemoryDiagnoser]
public class RegistryReadBenchmark
{
    private const int Versions = 10_000;
    private readonly ModelName _name = ModelName.Parse("bench");
    private string _root = null!;
    private string _modelFile = null!;
    private FileSystemModelRegistry _registry = null!;
    private ModelReference _champion = null!;

    [GlobalSetup]
    public async Task Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "mlops-bench-read-" + Guid.NewGuid().ToString("N"));
        _registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _root, WatchForChanges = false });
        RegisteredModelVersion first = await _registry.RegisterVersionAsync(new RegisterVersionRequest(_name, [ModelArtifact.FromBytes(new byte[4096])])
        {
            Metrics = new Dictionary<string, double> { ["r2"] = 0.9, ["rmse"] = 3.2 },
            Params = new Dictionary<string, string> { ["trees"] = "100" },
        });

        // Versions 2..10,000 are written in the registry's own format directly: registering them through the API would
        // take minutes of fsyncs in the setup. The artifacts stay those of version 1 (lists never open them).
        string versionsDir = Path.Combine(_root, "models", _name.Value, "versions");
        for (int n = 2; n <= Versions; n++)
        {
            await File.WriteAllBytesAsync(
                Path.Combine(versionsDir, n.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".json"),
                JsonSerializer.SerializeToUtf8Bytes(first with { Version = new ModelVersion(n) }, RegistryJson.Options));
        }

        _modelFile = Path.Combine(_root, "models", _name.Value, "model.json");
        ModelDocument document = JsonSerializer.Deserialize<ModelDocument>(await File.ReadAllBytesAsync(_modelFile), RegistryJson.Options)!;
        document.Model = document.Model with { LatestVersion = new ModelVersion(Versions) };
        await File.WriteAllBytesAsync(_modelFile, JsonSerializer.SerializeToUtf8Bytes(document, RegistryJson.Options));
        await _registry.PromoteAsync(new PromoteRequest(_name, new ModelVersion(Versions / 2), ModelAlias.Champion));
        _champion = ModelReference.ForAlias(_name, ModelAlias.Champion);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task<byte[]> ReadModelFileRaw() => File.ReadAllBytesAsync(_modelFile);

    [Benchmark]
    public Task<RegisteredModelVersion?> ResolveAlias() => _registry.ResolveAsync(_champion);

    [Benchmark]
    public Task<RegisteredModelVersion?> GetVersion() => _registry.GetVersionAsync(_name, new ModelVersion(1234));

    [Benchmark]
    public Task<IReadOnlyList<RegisteredModelVersion>> ListVersions() => _registry.ListVersionsAsync(_name);
}
