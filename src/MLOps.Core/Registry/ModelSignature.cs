using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLOps;

/// <summary>The input and output columns of a model, derived from an ML.NET <see cref="DataViewSchema"/> or from the
/// input and output classes.</summary>
public sealed record ModelSignature
{
    /// <summary>Gets the input columns.</summary>
    public IReadOnlyList<SignatureColumn> Inputs { get; init; } = [];

    /// <summary>Gets the output columns.</summary>
    public IReadOnlyList<SignatureColumn> Outputs { get; init; } = [];

    /// <summary>Derives a signature from ML.NET schemas: the model's input schema and the schema it produces.</summary>
    /// <param name="input">The input schema (for example <c>IDataView.Schema</c> of the training data).</param>
    /// <param name="output">The output schema (<c>ITransformer.GetOutputSchema(input)</c>); hidden columns are left out.</param>
    /// <returns>The signature.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ModelSignature FromSchema(DataViewSchema input, DataViewSchema output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        return new ModelSignature { Inputs = Columns(input), Outputs = Columns(output) };
    }

    /// <summary>Derives a signature from the input and output classes a model is served with.</summary>
    /// <typeparam name="TIn">The input class.</typeparam>
    /// <typeparam name="TOut">The output class.</typeparam>
    /// <returns>The signature.</returns>
    public static ModelSignature For<TIn, TOut>()
        where TIn : class
        where TOut : class, new() =>
        new() { Inputs = Columns(SchemaDefinition.Create(typeof(TIn))), Outputs = Columns(SchemaDefinition.Create(typeof(TOut))) };

    private static SignatureColumn[] Columns(DataViewSchema schema) =>
        [.. schema.Where(c => !c.IsHidden).Select(c => Column(c.Name, c.Type))];

    private static SignatureColumn[] Columns(SchemaDefinition definition) =>
        [.. definition.Select(c => Column(c.ColumnName, c.ColumnType))];

    private static SignatureColumn Column(string name, DataViewType type) => type is VectorDataViewType vector
        ? new SignatureColumn(name, TypeName(vector.ItemType), IsVector: true, Size: vector.Size)
        : new SignatureColumn(name, TypeName(type));

    private static string TypeName(DataViewType type) => type switch
    {
        TextDataViewType => "String",
        KeyDataViewType key => "Key<" + key.RawType.Name + ">",
        _ => type.RawType.Name,
    };
}
