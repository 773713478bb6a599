using System.Buffers.Binary;
using System.Text;

namespace MLOps.TestSupport;

/// <summary>
/// A linear regression trained in C# (ordinary least squares) and written as an ONNX graph, byte by byte: the test's
/// "trained outside ML.NET" model. The graph takes one float[batch,1] input per feature, concatenates them, multiplies
/// by the weights and adds the bias: <c>output = bias + Σ wᵢ·xᵢ</c>, float[batch,1], opset 13.
/// </summary>
public static class OnnxLinearRegression
{
    /// <summary>Fits <c>y ≈ bias + Σ wᵢ·xᵢ</c> by least squares (the normal equations, solved in double precision).</summary>
    /// <param name="rows">The feature values of each row, all of the same length.</param>
    /// <param name="labels">The label of each row.</param>
    /// <returns>The weights (one per feature) and the bias.</returns>
    public static (float[] Weights, float Bias) Fit(IReadOnlyList<float[]> rows, IReadOnlyList<float> labels)
    {
        int n = rows[0].Length + 1;   // the bias is the weight of a constant 1
        var a = new double[n, n + 1];
        for (int r = 0; r < rows.Count; r++)
        {
            double[] x = [1, .. rows[r].Select(v => (double)v)];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    a[i, j] += x[i] * x[j];
                }

                a[i, n] += x[i] * labels[r];
            }
        }

        // Gauss-Jordan elimination with partial pivoting.
        for (int col = 0; col < n; col++)
        {
            int pivot = Enumerable.Range(col, n - col).MaxBy(row => Math.Abs(a[row, col]));
            if (Math.Abs(a[pivot, col]) < 1e-12)
            {
                throw new InvalidOperationException($"The features are collinear (column {col}); least squares has no unique fit.");
            }

            for (int j = 0; j <= n; j++)
            {
                (a[col, j], a[pivot, j]) = (a[pivot, j], a[col, j]);
            }

            for (int row = 0; row < n; row++)
            {
                if (row != col)
                {
                    double factor = a[row, col] / a[col, col];
                    for (int j = col; j <= n; j++)
                    {
                        a[row, j] -= factor * a[col, j];
                    }
                }
            }
        }

        float[] weights = [.. Enumerable.Range(1, n - 1).Select(i => (float)(a[i, n] / a[i, i]))];
        return (weights, (float)(a[0, n] / a[0, 0]));
    }

    /// <summary>Writes the ONNX graph of a linear model.</summary>
    /// <param name="inputs">The graph's input names, one float[batch,1] tensor per feature, in weight order.</param>
    /// <param name="output">The output's name.</param>
    /// <param name="weights">One weight per input.</param>
    /// <param name="bias">The bias.</param>
    /// <returns>The serialized ModelProto.</returns>
    public static byte[] Write(IReadOnlyList<string> inputs, string output, float[] weights, float bias)
    {
        if (inputs.Count != weights.Length)
        {
            throw new ArgumentException($"{inputs.Count} inputs but {weights.Length} weights.", nameof(weights));
        }

        var graph = new Proto();
        graph.Message(1, Node("Concat", [.. inputs], "features", new Proto().String(1, "axis").Varint(3, 1).Varint(20, 2)));   // AttributeProto: name, i, type INT
        graph.Message(1, Node("MatMul", ["features", "weights"], "product", null));
        graph.Message(1, Node("Add", ["product", "bias"], output, null));
        graph.String(2, "linear_regression");
        graph.Message(5, Tensor("weights", [weights.Length, 1], weights));
        graph.Message(5, Tensor("bias", [1], [bias]));
        foreach (string input in inputs)
        {
            graph.Message(11, ValueInfo(input));
        }

        graph.Message(12, ValueInfo(output));
        return new Proto()
            .Varint(1, 7)                                        // ir_version
            .String(2, "MLOps.TestSupport")                      // producer_name
            .Message(7, graph)                                   // graph
            .Message(8, new Proto().Varint(2, 13))               // opset_import: the default domain, opset 13
            .ToArray();
    }

    private static Proto Node(string op, string[] inputs, string output, Proto? attribute)
    {
        var node = new Proto();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }

        node.String(2, output).String(3, op.ToLowerInvariant()).String(4, op);
        return attribute is null ? node : node.Message(5, attribute);
    }

    private static Proto Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new Proto();
        foreach (long d in dims)
        {
            tensor.Varint(1, d);
        }

        byte[] raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        }

        return tensor.Varint(2, 1).String(8, name).Bytes(9, raw);   // data_type FLOAT, name, raw_data
    }

    // ValueInfoProto { name, type: TypeProto { tensor_type { elem_type FLOAT, shape [batch, 1] } } }
    private static Proto ValueInfo(string name)
    {
        var shape = new Proto()
            .Message(1, new Proto().String(2, "batch"))          // dim_param
            .Message(1, new Proto().Varint(1, 1));               // dim_value
        var tensorType = new Proto().Varint(1, 1).Message(2, shape);
        return new Proto().String(1, name).Message(2, new Proto().Message(1, tensorType));
    }

    /// <summary>The few protobuf wire types an ONNX ModelProto needs: varints and length-delimited fields.</summary>
    private sealed class Proto
    {
        private readonly List<byte> _bytes = [];

        public Proto Varint(int field, long value)
        {
            WriteVarint((ulong)(field << 3));
            WriteVarint((ulong)value);
            return this;
        }

        public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public Proto Message(int field, Proto message) => Bytes(field, message.ToArray());

        public Proto Bytes(int field, byte[] value)
        {
            WriteVarint((ulong)((field << 3) | 2));
            WriteVarint((ulong)value.Length);
            _bytes.AddRange(value);
            return this;
        }

        public byte[] ToArray() => [.. _bytes];

        private void WriteVarint(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }

            _bytes.Add((byte)value);
        }
    }
}
