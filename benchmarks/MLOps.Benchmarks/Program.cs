using BenchmarkDotNet.Running;
using MLOps.Benchmarks.Batch;
using MLOps.Benchmarks.Drift;

// Console modes beside BenchmarkDotNet (see benchmarks/README.md); anything else goes to the benchmark switcher.
return args.FirstOrDefault() switch
{
    "batch-peak" => BatchPeakMemory.Run(args[1..]),
    "batch-side-by-side" => BatchSideBySide.Run(args[1..]),
    "batch-job" => BatchJobScale.Run(args[1..]),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
