using System.Text.Json;

namespace MLOps.TestSupport;

/// <summary>
/// The ONNX models written by <c>tools/onnx-fixtures/make_models.py</c> and the outputs PyTorch computed for them
/// (<c>expected.json</c>).
/// </summary>
public static class OnnxFixtures
{
    private static readonly Lazy<JsonElement> ExpectedJson = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(PathOf("expected.json"))).RootElement.Clone());

    /// <summary>The linear fare model, version 1: fare = 2.5 + 1.8 distance + 0.3 passengers + 0.05 hour.</summary>
    public const string FareV1 = "fare_v1.onnx";

    /// <summary>The linear fare model, version 2: fare = 3.0 + 2.1 distance + 0.1 passengers.</summary>
    public const string FareV2 = "fare_v2.onnx";

    /// <summary>A small MLP: <c>features</c> float[batch,4] to <c>scores</c> float[batch,2].</summary>
    public const string Mlp = "mlp.onnx";

    /// <summary><c>features</c> float[batch,width] (width dynamic) to <c>total</c> float[batch,1], the row sum.</summary>
    public const string DynamicWidth = "dynamic_width.onnx";

    /// <summary><c>y = sqrt(x)</c> over float[batch,1]: NaN for a negative x.</summary>
    public const string Sqrt = "sqrt.onnx";

    /// <summary>A graph that imports operator set 99 of the default domain, which no runtime implements.</summary>
    public const string FutureOpset = "future_opset.onnx";

    /// <summary><c>amount</c> float and <c>flagged</c> bool to <c>approved</c> (amount &gt; 100 and not flagged) and <c>held</c> (flagged), bool[batch,1].</summary>
    public const string BoolGate = "bool_gate.onnx";

    /// <summary><c>x</c> float16[batch,2] to <c>y = 1.5 x + 0.25</c> float16[batch,2] (computed in float32 between two casts).</summary>
    public const string Half = "half.onnx";

    /// <summary><c>city</c> string[batch,1] to its <c>zone</c> string[batch,1] and <c>code</c> int64[batch,1] (ai.onnx.ml LabelEncoder).</summary>
    public const string Strings = "strings.onnx";

    /// <summary>
    /// A logistic classifier shaped as skl2onnx writes one: <c>features</c> float[batch,2] to <c>output_label</c>
    /// int64[batch] and <c>output_probability</c>, a ZipMap (sequence of maps from class 0/1 to its probability).
    /// </summary>
    public const string ZipMapClassifier = "zipmap_classifier.onnx";

    /// <summary>Gets the full path of a fixture file.</summary>
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "OnnxFixtures", name);

    /// <summary>Gets the expected cases of one model (<c>fare_v1</c>, <c>fare_v2</c>, <c>mlp</c>, <c>bool_gate</c>, <c>half</c>, <c>strings</c>, <c>zipmap_classifier</c>).</summary>
    public static IReadOnlyList<JsonElement> Expected(string model) => [.. ExpectedJson.Value.GetProperty(model).EnumerateArray()];
}
