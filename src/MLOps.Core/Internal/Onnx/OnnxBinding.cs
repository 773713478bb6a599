using System.Reflection;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace MLOps.Internal.Onnx;

/// <summary>
/// The checked mapping of <typeparamref name="TIn"/> to a graph's inputs and of its outputs to <typeparamref name="TOut"/>.
/// </summary>
/// <remarks>
/// Every graph input needs a <typeparamref name="TIn"/> property of the same name (or with <see cref="ColumnNameAttribute"/>
/// naming it); extra input properties (a label, an id) are ignored. Every public settable <typeparamref name="TOut"/>
/// property without <see cref="NoColumnAttribute"/> needs a graph output. Names match exactly, then ignoring case.
/// </remarks>
internal sealed class OnnxBinding<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private OnnxBinding(Func<OnnxInput<TIn>>[] inputs, Func<OnnxOutput<TOut>>[] outputs, bool batched)
    {
        Inputs = inputs;
        Outputs = outputs;
        Batched = batched;
    }

    public Func<OnnxInput<TIn>>[] Inputs { get; }

    public Func<OnnxOutput<TOut>>[] Outputs { get; }

    /// <summary>Gets whether every bound tensor has a dynamic batch dimension, so rows can be stacked in one run.</summary>
    public bool Batched { get; }

    /// <exception cref="InvalidOperationException">The graph does not match the types; the message names the tensor and its shape.</exception>
    public static OnnxBinding<TIn, TOut> Create(InferenceSession session)
    {
        PropertyInfo[] inputProperties = [.. Columns(typeof(TIn)).Where(p => p.GetMethod is { IsPublic: true })];
        var inputs = new List<Func<OnnxInput<TIn>>>();
        bool batched = true;
        foreach ((string name, NodeMetadata node) in session.InputMetadata)
        {
            PropertyInfo property = Find(inputProperties, name) ?? throw new InvalidOperationException(
                $"The graph input {OnnxTensor.Describe(name, node)} has no property in {typeof(TIn).Name}: name one '{name}' or mark it [ColumnName(\"{name}\")].");
            OnnxTensor tensor = OnnxTensor.Map(name, node, property, typeof(TIn), "input");
            batched &= tensor.Batched;
            inputs.Add(OnnxInput<TIn>.Factory(tensor));
        }

        var outputs = new List<Func<OnnxOutput<TOut>>>();
        foreach (PropertyInfo property in Columns(typeof(TOut)).Where(p => p.SetMethod is { IsPublic: true }))
        {
            string name = ColumnName(property);
            KeyValuePair<string, NodeMetadata> output = session.OutputMetadata.FirstOrDefault(o => o.Key == name);
            if (output.Key is null)
            {
                output = session.OutputMetadata.FirstOrDefault(o => string.Equals(o.Key, name, StringComparison.OrdinalIgnoreCase));
            }

            if (output.Key is null)
            {
                throw new InvalidOperationException(
                    $"{typeof(TOut).Name}.{property.Name} has no graph output '{name}'. The graph's outputs: " +
                    $"{string.Join(", ", session.OutputMetadata.Select(o => OnnxTensor.Describe(o.Key, o.Value)))}. " +
                    "Name the property after one, mark it [ColumnName(\"…\")], or [NoColumn] to leave it out.");
            }

            if (!output.Value.IsTensor)
            {
                outputs.Add(OnnxZipMap<TOut>.Factory(output.Key, output.Value, property));
                batched = false;
                continue;
            }

            OnnxTensor tensor = OnnxTensor.Map(output.Key, output.Value, property, typeof(TOut), "output");
            batched &= tensor.Batched;
            outputs.Add(OnnxOutput<TOut>.Factory(tensor));
        }

        if (outputs.Count == 0)
        {
            throw new InvalidOperationException($"{typeof(TOut).Name} has no public settable property to receive a graph output.");
        }

        return new OnnxBinding<TIn, TOut>([.. inputs], [.. outputs], batched);
    }

    private static IEnumerable<PropertyInfo> Columns(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetCustomAttribute<NoColumnAttribute>() is null);

    // ColumnNameAttribute keeps its name internal: read it from the attribute's constructor argument.
    private static string ColumnName(PropertyInfo property) =>
        property.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute)) is { ConstructorArguments: [{ Value: string name }] }
            ? name
            : property.Name;

    private static PropertyInfo? Find(PropertyInfo[] properties, string name) =>
        Array.Find(properties, p => ColumnName(p) == name)
        ?? Array.Find(properties, p => string.Equals(ColumnName(p), name, StringComparison.OrdinalIgnoreCase));
}
