using System.Globalization;
using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MLOps.Internal.Onnx;

/// <summary>
/// How one graph tensor maps to one property of <c>TIn</c> or <c>TOut</c>: the concrete shape it runs with and the
/// number of elements. Built when a version loads; every refusal names the tensor, its shape and the property.
/// </summary>
/// <param name="Name">The graph's tensor name.</param>
/// <param name="Shape">The concrete shape, batch dimension 1.</param>
/// <param name="Count">The element count.</param>
/// <param name="Property">The property it maps to.</param>
/// <param name="ElementType">The tensor's element type (the property's type or its array element type).</param>
/// <param name="IsVector">Whether the property is an array.</param>
/// <param name="Batched">Whether the first dimension is a dynamic batch dimension (so rows can be stacked along it).</param>
internal sealed record OnnxTensor(string Name, long[] Shape, int Count, PropertyInfo Property, Type ElementType, bool IsVector, bool Batched)
{
    // The graph's element types served, and the .NET type of the property (System.Half for ONNX Runtime's Float16).
    private static readonly Type[] Supported = [typeof(float), typeof(double), typeof(int), typeof(long), typeof(bool), typeof(Float16), typeof(string)];

    /// <summary>Maps <paramref name="property"/> (of <paramref name="owner"/>) to the tensor <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">The tensor cannot be filled from (or read into) the property.</exception>
    public static OnnxTensor Map(string name, NodeMetadata node, PropertyInfo property, Type owner, string role)
    {
        string described = Describe(name, node);
        string member = $"{owner.Name}.{property.Name}";
        if (!node.IsTensor)
        {
            throw new InvalidOperationException($"The graph {role} {described} is a {node.OnnxValueType}; only tensors map to {member}.");
        }

        Type propertyType = property.PropertyType;
        bool isVector = propertyType.IsArray;
        Type elementType = isVector ? propertyType.GetElementType()! : propertyType;
        if (elementType != PropertyType(node.ElementType) || Array.IndexOf(Supported, node.ElementType) < 0)
        {
            string expected = Array.IndexOf(Supported, node.ElementType) >= 0
                ? $"{PropertyType(node.ElementType).Name} or {PropertyType(node.ElementType).Name}[]"
                : "a supported type";
            throw new InvalidOperationException(
                $"The graph {role} {described} does not match {member} ({propertyType.Name}): the property must be {expected} " +
                $"(ONNX element types served: {string.Join(", ", Supported.Select(t => t.Name))}; Float16 as System.Half).");
        }

        int? declared = DeclaredLength(property);
        int[] dims = node.Dimensions;
        long[] shape = new long[dims.Length];
        long known = 1;
        var dynamic = new List<int>();
        bool batched = false;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] >= 0)
            {
                shape[i] = dims[i];
                known *= dims[i];
            }
            else if (i == 0 && (dims.Length > 1 || !isVector))
            {
                shape[i] = 1;   // the batch dimension: one row per prediction
                batched = true;
            }
            else
            {
                dynamic.Add(i);
            }
        }

        if (dynamic.Count == 1 && isVector && declared is { } length && known > 0 && length % known == 0)
        {
            shape[dynamic[0]] = length / known;
        }
        else if (dynamic.Count > 0)
        {
            throw new InvalidOperationException(
                $"The graph {role} {described} has a dynamic dimension {dynamic[0]} that {member} cannot fill: " +
                (isVector ? "declare the array's length with [VectorType(n)] on the property (one dynamic dimension at most besides the batch)."
                    : "a scalar property fills one element; use an array property with [VectorType(n)]."));
        }

        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        if (!isVector && count != 1)
        {
            throw new InvalidOperationException(
                $"The graph {role} {described} holds {count} elements per row, but {member} is a scalar {propertyType.Name}: use {elementType.Name}[] with [VectorType({count})].");
        }

        if (isVector && declared is { } want && want != count)
        {
            throw new InvalidOperationException(
                $"The graph {role} {described} holds {count} elements per row, but {member} declares [VectorType({want})].");
        }

        if (count is 0 or > int.MaxValue)
        {
            throw new InvalidOperationException($"The graph {role} {described} has {count} elements per row; it cannot be served.");
        }

        // A string tensor is rebuilt per prediction, not stacked: strings run row by row.
        return new OnnxTensor(name, shape, (int)count, property, elementType, isVector, batched && elementType != typeof(string));
    }

    // VectorTypeAttribute keeps its dimensions internal: read them from the attribute's constructor arguments.
    private static int? DeclaredLength(PropertyInfo property)
    {
        CustomAttributeData? data = property.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(VectorTypeAttribute));
        if (data is null || data.ConstructorArguments.Count != 1)
        {
            return null;
        }

        object? value = data.ConstructorArguments[0].Value;
        long length = value switch
        {
            int single => single,
            IReadOnlyCollection<CustomAttributeTypedArgument> dims => dims.Aggregate(1L, (product, d) => product * (int)d.Value!),
            _ => 0,
        };
        return length is > 0 and <= int.MaxValue ? (int)length : null;
    }

    /// <summary>The property type that holds an element of the graph's type: <see cref="Half"/> for <see cref="Float16"/>, else the same.</summary>
    private static Type PropertyType(Type graphElementType) => graphElementType == typeof(Float16) ? typeof(Half) : graphElementType;

    /// <summary>The shape of <paramref name="rows"/> rows stacked along the batch dimension.</summary>
    public long[] BatchShape(int rows)
    {
        long[] shape = (long[])Shape.Clone();
        shape[0] = rows;
        return shape;
    }

    /// <summary>The tensor as the messages show it: <c>'features' float[N,3]</c>.</summary>
    public static string Describe(string name, NodeMetadata node)
    {
        if (!node.IsTensor)
        {
            return $"'{name}' ({node.OnnxValueType})";
        }

        string[] symbols = node.SymbolicDimensions ?? [];
        IEnumerable<string> dims = node.Dimensions.Select((d, i) =>
            d >= 0 ? d.ToString(CultureInfo.InvariantCulture) : i < symbols.Length && !string.IsNullOrEmpty(symbols[i]) ? symbols[i] : "?");
        return $"'{name}' {node.ElementType.Name}[{string.Join(",", dims)}]";
    }

    /// <summary>The graph's inputs and outputs as a signature (a leading dynamic dimension is the batch).</summary>
    public static ModelSignature Signature(InferenceSession session) => new()
    {
        Inputs = [.. session.InputMetadata.Select(p => Column(p.Key, p.Value))],
        Outputs = [.. session.OutputMetadata.Select(p => Column(p.Key, p.Value))],
    };

    private static SignatureColumn Column(string name, NodeMetadata node)
    {
        if (!node.IsTensor)
        {
            return new SignatureColumn(name, node.OnnxValueType.ToString());
        }

        int[] dims = node.Dimensions;
        long size = 1;
        for (int i = dims.Length > 1 ? 1 : 0; i < dims.Length && size != 0; i++)
        {
            size = dims[i] >= 0 ? size * dims[i] : i == 0 ? 1 : 0;   // a rank-1 dynamic dimension is the batch
        }

        return size == 1
            ? new SignatureColumn(name, node.ElementType.Name)
            : new SignatureColumn(name, node.ElementType.Name, IsVector: true, Size: (int)Math.Min(size, int.MaxValue));
    }
}
