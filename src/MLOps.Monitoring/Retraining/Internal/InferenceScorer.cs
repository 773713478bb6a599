using System.Reflection;
using Microsoft.ML;
using MLOps.Internal;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>
/// Scores a data view with any <see cref="InferenceModel"/>, so the ML.NET evaluators of the shared training pipeline
/// rate an ONNX graph (or a custom runtime) on the hold-out like an ML.NET model: an ML.NET model is its own
/// transformer; any other runs one predictor row by row inside an ML.NET custom mapping that adds the output's columns.
/// </summary>
/// <remarks>Evaluation only (never serving): rows are predicted one at a time under a lock, and the output's public
/// properties are copied by reflection.</remarks>
internal sealed class InferenceScorer : IDisposable
{
    private readonly IDisposable? _predictor;

    private InferenceScorer(ITransformer transformer, IDisposable? predictor)
    {
        Transformer = transformer;
        _predictor = predictor;
    }

    public ITransformer Transformer { get; }

    /// <summary>Creates a scorer of <paramref name="model"/> for data shaped like <paramref name="data"/>.</summary>
    /// <exception cref="InvalidOperationException">The model does not map <typeparamref name="TIn"/> to <typeparamref name="TOut"/>, or <typeparamref name="TIn"/> has no public parameterless constructor.</exception>
    public static InferenceScorer Create<TIn, TOut>(MLContext ml, InferenceModel model, IDataView data)
        where TIn : class
        where TOut : class, new()
    {
        if (model is MLNetModel mlnet)
        {
            return new InferenceScorer(mlnet.Transformer, null);
        }

        ModelPredictor<TIn, TOut> predictor;
        try
        {
            predictor = model.CreatePredictor<TIn, TOut>();
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            throw new InvalidOperationException(
                $"The trained {model.Format} model does not map {typeof(TIn).Name} to {typeof(TOut).Name}: {e.Message}", e);
        }

        if (typeof(TIn).GetConstructor(Type.EmptyTypes) is null)
        {
            predictor.Dispose();
            throw new InvalidOperationException(
                $"{typeof(TIn).Name} needs a public parameterless constructor to score the hold-out rows with a {model.Format} model.");
        }

        // CustomMapping needs TIn : new(), which the retrain policy does not require of ML.NET models: checked above, bound here.
        var transformer = (ITransformer)typeof(InferenceScorer).GetMethod(nameof(Map), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeof(TIn), typeof(TOut))
            .Invoke(null, [ml, predictor, data])!;
        return new InferenceScorer(transformer, predictor);
    }

    public void Dispose() => _predictor?.Dispose();

    private static Microsoft.ML.Transforms.CustomMappingTransformer<TIn, TOut> Map<TIn, TOut>(MLContext ml, ModelPredictor<TIn, TOut> predictor, IDataView data)
        where TIn : class, new()
        where TOut : class, new()
    {
        PropertyInfo[] properties = [.. typeof(TOut).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true } && p.SetMethod is { IsPublic: true })];
        var gate = new Lock();
        void Score(TIn input, TOut output)
        {
            TOut predicted;
            lock (gate)
            {
                predicted = predictor.Predict(input);
            }

            foreach (PropertyInfo property in properties)
            {
                property.SetValue(output, property.GetValue(predicted));
            }
        }

        return ml.Transforms.CustomMapping<TIn, TOut>(Score, contractName: null).Fit(data);
    }
}
