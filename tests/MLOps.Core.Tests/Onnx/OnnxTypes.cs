using Microsoft.ML.Data;

namespace MLOps.Core.Tests.Onnx;

/// <summary>The fare model's input: three scalar graph inputs, matched by name ignoring case.</summary>
public sealed class FareInput
{
    public float Distance { get; set; }

    public float Passengers { get; set; }

    public float Hour { get; set; }
}

public sealed class FarePrediction
{
    public float Fare { get; set; }
}

/// <summary>The MLP's input: one vector graph input, named with ML.NET's attribute.</summary>
public sealed class MlpInput
{
    [ColumnName("features")]
    [VectorType(4)]
    public float[] Values { get; set; } = [];
}

public sealed class MlpOutput
{
    [ColumnName("scores")]
    public float[] Scores { get; set; } = [];
}

/// <summary>Fills the dynamic-width graph: the array's declared length fixes the width.</summary>
public sealed class WidthInput
{
    [VectorType(3)]
    public float[] Features { get; set; } = [];
}

/// <summary>Cannot fill the dynamic-width graph: nothing says how wide the array is.</summary>
public sealed class UnsizedInput
{
    public float[] Features { get; set; } = [];
}

public sealed class TotalOutput
{
    public float Total { get; set; }
}

public sealed class RootInput
{
    public float X { get; set; }
}

public sealed class RootOutput
{
    public float Y { get; set; }
}

/// <summary>A fare input with the wrong element type for the graph (float tensors).</summary>
public sealed class DoubleFareInput
{
    public double Distance { get; set; }

    public double Passengers { get; set; }

    public double Hour { get; set; }
}
