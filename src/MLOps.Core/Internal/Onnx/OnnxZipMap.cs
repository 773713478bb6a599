using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MLOps.Internal.Onnx;

/// <summary>
/// A ZipMap output, as skl2onnx writes a classifier's probabilities: a sequence (one per row) of maps from the class
/// label (int64 or string) to its probability, read into an <c>IDictionary&lt;long, float&gt;</c> or
/// <c>IDictionary&lt;string, float&gt;</c> property (or <c>Dictionary</c>, <c>IReadOnlyDictionary</c>).
/// </summary>
internal sealed class OnnxZipMap<TOut> : OnnxOutput<TOut>
    where TOut : class
{
    private readonly string _name;
    private readonly PropertyInfo _property;
    private readonly bool _stringKeys;

    private OnnxZipMap(string name, PropertyInfo property, bool stringKeys)
    {
        _name = name;
        _property = property;
        _stringKeys = stringKeys;
    }

    public override string Name => _name;

    public override OrtValue Value => throw new NotSupportedException();

    public override bool Preallocated => false;

    /// <exception cref="InvalidOperationException">The output is not a ZipMap, or the property cannot hold one.</exception>
    public static Func<OnnxOutput<TOut>> Factory(string name, NodeMetadata node, PropertyInfo property)
    {
        string member = $"{typeof(TOut).Name}.{property.Name}";
        Type? key = null;
        if (node.OnnxValueType == OnnxValueType.ONNX_TYPE_SEQUENCE
            && node.AsSequenceMetadata().ElementMeta is { OnnxValueType: OnnxValueType.ONNX_TYPE_MAP } element)
        {
            MapMetadata map = element.AsMapMetadata();
            if (map.ValueMetadata is { IsTensor: true } value && value.ElementType == typeof(float))
            {
                key = map.KeyDataType switch
                {
                    TensorElementType.Int64 => typeof(long),
                    TensorElementType.String => typeof(string),
                    _ => null,
                };
            }
        }

        if (key is null)
        {
            throw new InvalidOperationException(
                $"The graph output {OnnxTensor.Describe(name, node)} maps to {member}, but only tensors and ZipMaps (a sequence of maps from " +
                "int64 or string class labels to float probabilities) are served.");
        }

        Type dictionary = typeof(Dictionary<,>).MakeGenericType(key, typeof(float));
        if (!property.PropertyType.IsAssignableFrom(dictionary))
        {
            throw new InvalidOperationException(
                $"The graph output '{name}' is a ZipMap of {key.Name} class labels to probabilities, but {member} is a {property.PropertyType.Name}: " +
                $"make it an IDictionary<{key.Name}, Single>, IReadOnlyDictionary<{key.Name}, Single> or Dictionary<{key.Name}, Single>.");
        }

        bool stringKeys = key == typeof(string);
        return () => new OnnxZipMap<TOut>(name, property, stringKeys);
    }

    public override void ReadFrom(OrtValue value, TOut output)
    {
        int count = value.GetValueCount();
        if (count != 1)
        {
            throw new InvalidPredictionException($"The model's output '{_name}' holds {count} maps for one row; one was expected.");
        }

        OrtAllocator allocator = OrtAllocator.DefaultInstance;
        using OrtValue map = value.GetValue(0, allocator);
        using OrtValue keys = map.GetValue(0, allocator);
        using OrtValue probabilities = map.GetValue(1, allocator);
        ReadOnlySpan<float> p = probabilities.GetTensorDataAsSpan<float>();
        foreach (float probability in p)
        {
            if (float.IsNaN(probability))
            {
                throw new InvalidPredictionException($"The model's output '{_name}' holds a NaN probability for this input; a NaN is not returned as a prediction.");
            }
        }

        if (_stringKeys)
        {
            string[] labels = keys.GetStringTensorAsArray();
            var result = new Dictionary<string, float>(labels.Length, StringComparer.Ordinal);
            for (int i = 0; i < labels.Length; i++)
            {
                result[labels[i]] = p[i];
            }

            _property.SetValue(output, result);
        }
        else
        {
            ReadOnlySpan<long> labels = keys.GetTensorDataAsSpan<long>();
            var result = new Dictionary<long, float>(labels.Length);
            for (int i = 0; i < labels.Length; i++)
            {
                result[labels[i]] = p[i];
            }

            _property.SetValue(output, result);
        }
    }

    public override void Read(TOut output) => throw new NotSupportedException();

    public override OrtValue CreateBatch(int rows) => throw new NotSupportedException();

    public override void ReadBatch(TOut output, int row) => throw new NotSupportedException();

    public override void EndBatch()
    {
    }

    public override void Dispose()
    {
    }
}
