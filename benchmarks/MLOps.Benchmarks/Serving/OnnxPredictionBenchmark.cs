using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MLOps.Benchmarks.Serving;

/// <summary>
/// <see cref="IModelClient{TIn, TOut}.Predict"/> over an ONNX model against the best hand-written use of ONNX Runtime for
/// the same model (an <see cref="InferenceSession"/> with input and output buffers pinned and bound once, filled from the
/// same input object into a new output object), and against ML.NET's OnnxTransformer (the other runtime the SDK could
/// have wrapped). Target: at most 1.1× the baseline and no extra allocation.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class OnnxPredictionBenchmark
{
    private static readonly FareRow Fare = new() { Distance = 3.2f, Passengers = 2, Hour = 17 };
    private static readonly MlpRow Mlp = new() { Features = [0.5f, -1f, 2f, 0.25f] };

    private ServiceProvider _services = null!;
    private IModelClient<FareRow, FareScore> _fareClient = null!;
    private IModelClient<MlpRow, MlpScores> _mlpClient = null!;
    private DirectFare _directFare = null!;
    private DirectMlp _directMlp = null!;
    private PredictionEngine<MlpRow, MlpScores> _onnxTransformer = null!;

    /// <summary>The ONNX models of tools/onnx-fixtures/make_models.py.</summary>
    public enum OnnxModelKind
    {
        /// <summary>fare_v1.onnx: three scalar inputs, one linear layer (the worst case for overhead).</summary>
        Fare,

        /// <summary>mlp.onnx: one input of 4, 8 ReLU, 2 outputs.</summary>
        Mlp,
    }

    [Params(OnnxModelKind.Fare, OnnxModelKind.Mlp)]
    public OnnxModelKind Model { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string fare = Path.Combine(AppContext.BaseDirectory, "OnnxFixtures", "fare_v1.onnx");
        string mlp = Path.Combine(AppContext.BaseDirectory, "OnnxFixtures", "mlp.onnx");
        var services = new ServiceCollection();
        services.AddMLOps()
            .AddModel<FareRow, FareScore>("fare", m => m.FromFile(fare, watchForChanges: false))
            .AddModel<MlpRow, MlpScores>("mlp", m => m.FromFile(mlp, watchForChanges: false));
        _services = services.BuildServiceProvider();
        _fareClient = _services.GetRequiredService<IModelClient<FareRow, FareScore>>();
        _mlpClient = _services.GetRequiredService<IModelClient<MlpRow, MlpScores>>();
        _fareClient.Predict(Fare);
        _mlpClient.Predict(Mlp);
        _directFare = new DirectFare(fare);
        _directMlp = new DirectMlp(mlp);

        var ml = new MLContext();
        ITransformer onnx = ml.Transforms.ApplyOnnxModel(mlp).Fit(ml.Data.LoadFromEnumerable(new List<MlpRow>()));
        _onnxTransformer = ml.Model.CreatePredictionEngine<MlpRow, MlpScores>(onnx);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnxTransformer.Dispose();
        _directFare.Dispose();
        _directMlp.Dispose();
        _services.Dispose();
    }

    [Benchmark(Baseline = true, Description = "InferenceSession, bound buffers (direct)")]
    public object Direct() => Model == OnnxModelKind.Fare ? _directFare.Predict(Fare) : _directMlp.Predict(Mlp);

    [Benchmark(Description = "IModelClient.Predict (ONNX)")]
    public object Client() => Model == OnnxModelKind.Fare ? _fareClient.Predict(Fare).Value : _mlpClient.Predict(Mlp).Value;

    /// <remarks>Run for the MLP only (its vector input is an ML.NET vector column); for the fare model it reports NA.</remarks>
    [Benchmark(Description = "ML.NET OnnxTransformer engine")]
    public object OnnxTransformer() => Model == OnnxModelKind.Mlp
        ? _onnxTransformer.Predict(Mlp)
        : throw new NotSupportedException("Measured for the MLP only.");

    public sealed class FareRow
    {
        public float Distance { get; set; }

        public float Passengers { get; set; }

        public float Hour { get; set; }
    }

    public sealed class FareScore
    {
        public float Fare { get; set; }
    }

    public sealed class MlpRow
    {
        [ColumnName("features")]
        [VectorType(4)]
        public float[] Features { get; set; } = [];
    }

    public sealed class MlpScores
    {
        [ColumnName("scores")]
        [VectorType(2)]
        public float[] Scores { get; set; } = [];
    }

    /// <summary>What a developer writes by hand for the fare model: one float per input, bound once.</summary>
    private sealed class DirectFare : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly float[] _distance = new float[1];
        private readonly float[] _passengers = new float[1];
        private readonly float[] _hour = new float[1];
        private readonly float[] _fare = new float[1];
        private readonly OrtValue[] _values;
        private readonly OrtIoBinding _binding;
        private readonly RunOptions _run = new();

        public DirectFare(string path)
        {
            using SessionOptions options = new() { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            _session = new InferenceSession(path, options);
            long[] shape = [1, 1];
            _values =
            [
                OrtValue.CreateTensorValueFromMemory(_distance, shape),
                OrtValue.CreateTensorValueFromMemory(_passengers, shape),
                OrtValue.CreateTensorValueFromMemory(_hour, shape),
                OrtValue.CreateTensorValueFromMemory(_fare, shape),
            ];
            _binding = _session.CreateIoBinding();
            _binding.BindInput("distance", _values[0]);
            _binding.BindInput("passengers", _values[1]);
            _binding.BindInput("hour", _values[2]);
            _binding.BindOutput("fare", _values[3]);
        }

        public FareScore Predict(FareRow row)
        {
            _distance[0] = row.Distance;
            _passengers[0] = row.Passengers;
            _hour[0] = row.Hour;
            _session.RunWithBinding(_run, _binding);
            return new FareScore { Fare = _fare[0] };
        }

        public void Dispose()
        {
            _binding.Dispose();
            _run.Dispose();
            foreach (OrtValue value in _values)
            {
                value.Dispose();
            }

            _session.Dispose();
        }
    }

    /// <summary>What a developer writes by hand for the MLP: one 4-float input and a 2-float output, bound once.</summary>
    private sealed class DirectMlp : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly float[] _features = new float[4];
        private readonly float[] _scores = new float[2];
        private readonly OrtValue _input;
        private readonly OrtValue _output;
        private readonly OrtIoBinding _binding;
        private readonly RunOptions _run = new();

        public DirectMlp(string path)
        {
            using SessionOptions options = new() { IntraOpNumThreads = 1, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
            _session = new InferenceSession(path, options);
            _input = OrtValue.CreateTensorValueFromMemory(_features, [1, 4]);
            _output = OrtValue.CreateTensorValueFromMemory(_scores, [1, 2]);
            _binding = _session.CreateIoBinding();
            _binding.BindInput("features", _input);
            _binding.BindOutput("scores", _output);
        }

        public MlpScores Predict(MlpRow row)
        {
            row.Features.CopyTo(_features, 0);
            _session.RunWithBinding(_run, _binding);
            return new MlpScores { Scores = [.. _scores] };
        }

        public void Dispose()
        {
            _binding.Dispose();
            _run.Dispose();
            _input.Dispose();
            _output.Dispose();
            _session.Dispose();
        }
    }
}
