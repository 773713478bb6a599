namespace MLOps;

/// <summary>The names of the model formats the SDK ships, and the registry tag that records a version's format.</summary>
public static class ModelFormats
{
    /// <summary>The registry version tag that names its format (for example <c>format=onnx</c>).</summary>
    public const string Tag = "format";

    /// <summary>An ML.NET model zip (the default when nothing else matches).</summary>
    public const string MLNet = "mlnet";

    /// <summary>An ONNX graph, run by ONNX Runtime.</summary>
    public const string Onnx = "onnx";
}
