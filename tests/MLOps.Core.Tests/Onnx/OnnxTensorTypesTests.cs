using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.Data;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Onnx;

/// <summary>bool, float16 (as <see cref="Half"/>) and string tensors, and a ZipMap classifier output, against the outputs numpy computed.</summary>
public class OnnxTensorTypesTests
{
    [Fact]
    public async Task BoolInputsAndOutputs_MatchTheExpectedOutputs_OneByOneAndInABatch()
    {
        await using ServiceProvider provider = await ServeAsync<GateInput, GateOutput>(OnnxFixtures.BoolGate);
        var client = provider.GetRequiredService<IModelClient<GateInput, GateOutput>>();
        IReadOnlyList<JsonElement> cases = OnnxFixtures.Expected("bool_gate");
        GateInput[] inputs = [.. cases.Select(c => new GateInput { Amount = c.GetProperty("amount").GetSingle(), Flagged = c.GetProperty("flagged").GetBoolean() })];

        GateOutput[] single = [.. inputs.Select(i => client.Predict(i).Value)];
        GateOutput[] batch = [.. client.PredictBatch(inputs).Select(p => p.Value)];

        Assert.Equal(cases.Select(c => c.GetProperty("approved").GetBoolean()), single.Select(o => o.Approved));
        Assert.Equal(cases.Select(c => c.GetProperty("held").GetBoolean()), single.Select(o => o.Held));
        Assert.Equal(single.Select(o => (o.Approved, o.Held)), batch.Select(o => (o.Approved, o.Held)));
        ModelSignature signature = provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("model"))!.Signature!;
        Assert.Equal(new SignatureColumn("flagged", "Boolean"), signature.Inputs[1]);
    }

    [Fact]
    public async Task Float16Tensors_MapToHalfArrays_OneByOneAndInABatch()
    {
        await using ServiceProvider provider = await ServeAsync<HalfInput, HalfOutput>(OnnxFixtures.Half);
        var client = provider.GetRequiredService<IModelClient<HalfInput, HalfOutput>>();
        IReadOnlyList<JsonElement> cases = OnnxFixtures.Expected("half");
        HalfInput[] inputs = [.. cases.Select(c => new HalfInput { X = [.. c.GetProperty("x").EnumerateArray().Select(v => (Half)v.GetSingle())] })];
        Half[][] expected = [.. cases.Select(c => c.GetProperty("y").EnumerateArray().Select(v => (Half)v.GetSingle()).ToArray())];

        Half[][] single = [.. inputs.Select(i => client.Predict(i).Value.Y)];
        Half[][] batch = [.. client.PredictBatch(inputs).Select(p => p.Value.Y)];

        Assert.Equal(expected, single);   // exact: both sides round the same float32 result to half
        Assert.Equal(expected, batch);
        Assert.Equal(new SignatureColumn("x", "Float16", IsVector: true, Size: 2), Assert.Single(provider.GetRequiredService<IModelCatalog>().Find(ModelName.Parse("model"))!.Signature!.Inputs));
    }

    [Fact]
    public async Task Float16Graph_FloatProperty_IsRefusedAskingForHalf()
    {
        var error = await LoadFailureAsync<MlpInputOfWidth2, HalfOutput>(OnnxFixtures.Half);

        Assert.Contains("The graph input 'x' Float16[batch,2] does not match MlpInputOfWidth2.X (Single[]): the property must be Half or Half[]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StringInputsAndOutputs_MatchTheExpectedOutputs_OneByOneAndInABatch()
    {
        await using ServiceProvider provider = await ServeAsync<CityInput, CityOutput>(OnnxFixtures.Strings);
        var client = provider.GetRequiredService<IModelClient<CityInput, CityOutput>>();
        IReadOnlyList<JsonElement> cases = OnnxFixtures.Expected("strings");
        CityInput[] inputs = [.. cases.Select(c => new CityInput { City = c.GetProperty("city").GetString()! })];

        CityOutput[] single = [.. inputs.Select(i => client.Predict(i).Value)];
        CityOutput[] batch = [.. client.PredictBatch(inputs).Select(p => p.Value)];

        Assert.Equal(cases.Select(c => c.GetProperty("zone").GetString()), single.Select(o => o.Zone));
        Assert.Equal(cases.Select(c => c.GetProperty("code").GetInt64()), single.Select(o => o.Code));
        Assert.Equal(single.Select(o => (o.Zone, o.Code)), batch.Select(o => (o.Zone, o.Code)));
    }

    [Fact]
    public async Task StringInput_Null_IsAFailedPredictionNamingTheProperty()
    {
        await using ServiceProvider provider = await ServeAsync<CityInput, CityOutput>(OnnxFixtures.Strings);
        var client = provider.GetRequiredService<IModelClient<CityInput, CityOutput>>();

        var error = Assert.Throws<InvalidPredictionException>(() => client.Predict(new CityInput { City = null! }));

        Assert.Contains("CityInput.City holds a null string; the graph input 'city' needs text", error.Message, StringComparison.Ordinal);
        Assert.Equal("north", client.Predict(new CityInput { City = "paris" }).Value.Zone);
    }

    [Fact]
    public async Task ZipMapClassifier_LabelAndProbabilities_MatchTheExpectedOutputs()
    {
        await using ServiceProvider provider = await ServeAsync<ClassifierInput, ClassifierOutput>(OnnxFixtures.ZipMapClassifier);
        var client = provider.GetRequiredService<IModelClient<ClassifierInput, ClassifierOutput>>();

        foreach (JsonElement c in OnnxFixtures.Expected("zipmap_classifier"))
        {
            ClassifierOutput output = client.Predict(new ClassifierInput { Features = [.. c.GetProperty("features").EnumerateArray().Select(v => v.GetSingle())] }).Value;
            Assert.Equal(c.GetProperty("label").GetInt64(), output.Label);
            Assert.Equal([0L, 1L], output.Probabilities.Keys.Order());
            Assert.Equal(c.GetProperty("probabilities").GetProperty("0").GetSingle(), output.Probabilities[0], 1e-6f);
            Assert.Equal(c.GetProperty("probabilities").GetProperty("1").GetSingle(), output.Probabilities[1], 1e-6f);
        }

        ClassifierOutput[] batch = [.. client.PredictBatch([new ClassifierInput { Features = [1, 0] }, new ClassifierInput { Features = [-1, 2] }]).Select(p => p.Value)];
        Assert.Equal([0L, 1L], batch.Select(o => o.Label));
    }

    [Fact]
    public async Task ZipMapOutput_ArrayProperty_IsRefusedAskingForADictionary()
    {
        var error = await LoadFailureAsync<ClassifierInput, ArrayClassifierOutput>(OnnxFixtures.ZipMapClassifier);

        Assert.Contains("The graph output 'output_probability' is a ZipMap of Int64 class labels to probabilities, but ArrayClassifierOutput.Probabilities is a Single[]", error.Message, StringComparison.Ordinal);
        Assert.Contains("IDictionary<Int64, Single>", error.Message, StringComparison.Ordinal);
    }

    private static async Task<ServiceProvider> ServeAsync<TIn, TOut>(string fixture)
        where TIn : class
        where TOut : class, new()
    {
        ServiceProvider provider = Services.Build(b => b.AddModel<TIn, TOut>("model", m => m.FromFile(OnnxFixtures.PathOf(fixture), watchForChanges: false)));
        await Services.StartAsync(provider);
        return provider;
    }

    private static async Task<ModelLoadException> LoadFailureAsync<TIn, TOut>(string fixture)
        where TIn : class
        where TOut : class, new()
    {
        await using ServiceProvider provider = Services.Build(b => b.AddModel<TIn, TOut>("model", m => m.FromFile(OnnxFixtures.PathOf(fixture), watchForChanges: false)));
        return await Assert.ThrowsAsync<ModelLoadException>(() => Services.StartAsync(provider));
    }

    public sealed class GateInput
    {
        public float Amount { get; set; }

        public bool Flagged { get; set; }
    }

    public sealed class GateOutput
    {
        public bool Approved { get; set; }

        public bool Held { get; set; }
    }

    public sealed class HalfInput
    {
        [VectorType(2)]
        public Half[] X { get; set; } = [];
    }

    public sealed class HalfOutput
    {
        public Half[] Y { get; set; } = [];
    }

    public sealed class MlpInputOfWidth2
    {
        [VectorType(2)]
        public float[] X { get; set; } = [];
    }

    public sealed class CityInput
    {
        public string City { get; set; } = string.Empty;
    }

    public sealed class CityOutput
    {
        public string Zone { get; set; } = string.Empty;

        public long Code { get; set; }
    }

    public sealed class ClassifierInput
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    public sealed class ClassifierOutput
    {
        [ColumnName("output_label")]
        public long Label { get; set; }

        [ColumnName("output_probability")]
        public IDictionary<long, float> Probabilities { get; set; } = new Dictionary<long, float>();
    }

    public sealed class ArrayClassifierOutput
    {
        [ColumnName("output_label")]
        public long Label { get; set; }

        [ColumnName("output_probability")]
        public float[] Probabilities { get; set; } = [];
    }
}
