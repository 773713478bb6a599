using Microsoft.ML;
using MLOps.Core.Tests.Support;

namespace MLOps.Core.Tests.Registry;

public class ModelSignatureTests
{
    [Fact]
    public void For_DerivesColumnsFromTheInputAndOutputClasses()
    {
        ModelSignature signature = ModelSignature.For<HouseInput, HousePrediction>();

        Assert.Equal(
            [new SignatureColumn("Size", "Single"), new SignatureColumn("Rooms", "Single"), new SignatureColumn("Price", "Single")],
            signature.Inputs);
        Assert.Equal([new SignatureColumn("Score", "Single")], signature.Outputs);
    }

    [Fact]
    public void FromSchema_DerivesColumnsFromTheModelsSchemasIncludingVectors()
    {
        var ml = new MLContext();
        IDataView data = ml.Data.LoadFromEnumerable(TestModels.Inputs);
        ITransformer model = TestModels.Distinct[0];

        ModelSignature signature = ModelSignature.FromSchema(data.Schema, model.GetOutputSchema(data.Schema));

        Assert.Contains(new SignatureColumn("Size", "Single"), signature.Inputs);
        Assert.Contains(new SignatureColumn("Features", "Single", IsVector: true, Size: 2), signature.Outputs);
        Assert.Contains(new SignatureColumn("Score", "Single"), signature.Outputs);
    }
}
