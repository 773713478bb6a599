using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;

namespace MLOps.Benchmarks.Registry;

/// <summary>
/// Cost of registering a version in the file-system registry (lock file, pending version, artifact with SHA-256,
/// ready version, audit; every file flushed to disk and renamed atomically) next to writing the same artifact once
/// with <see cref="File.WriteAllBytesAsync(string, byte[], CancellationToken)"/> (no fsync, no metadata).
/// </summary>
[MemoryDiagnoser]
public class RegistryWriteBenchmark
{
    private readonly ModelName _name = ModelName.Parse("bench");
    private string _root = null!;
    private FileSystemModelRegistry _registry = null!;
    private byte[] _artifact = null!;
    private int _n;

    [Params(4 * 1024, 1024 * 1024)]
    public int ArtifactBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "mlops-bench-write-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        _registry = new FileSystemModelRegistry(new FileSystemRegistryOptions { RootPath = _root, WatchForChanges = false });
        _artifact = RandomNumberGenerator.GetBytes(ArtifactBytes);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _registry.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public Task WriteArtifactFile() =>
        File.WriteAllBytesAsync(Path.Combine(_root, "raw-" + Interlocked.Increment(ref _n).ToString(System.Globalization.CultureInfo.InvariantCulture)), _artifact);

    [Benchmark]
    public Task<RegisteredModelVersion> RegisterVersion() =>
        _registry.RegisterVersionAsync(new RegisterVersionRequest(_name, [ModelArtifact.FromBytes(_artifact)])
        {
            Metrics = new Dictionary<string, double> { ["r2"] = 0.9 },
        });
}
