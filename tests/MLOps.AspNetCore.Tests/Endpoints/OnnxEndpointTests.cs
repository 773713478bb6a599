using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MLOps.AspNetCore.Tests.Support;

namespace MLOps.AspNetCore.Tests.Endpoints;

public sealed class SqrtInput
{
    public float X { get; set; }
}

public sealed class SqrtOutput
{
    public float Y { get; set; }
}

public class OnnxEndpointTests
{
    [Fact]
    public async Task GetModel_OnnxModel_ShowsTheFormatAndTheGraphSignature()
    {
        await using var app = await TestApp.StartAsync(b => b.AddModel<SqrtInput, SqrtOutput>("root", m => m.FromFile(OnnxFixtures.PathOf(OnnxFixtures.Sqrt))));

        JsonElement model = await app.Client.GetFromJsonAsync<JsonElement>("/mlops/models/root");

        Assert.Equal("onnx", model.GetProperty("format").GetString());
        JsonElement input = Assert.Single(model.GetProperty("signature").GetProperty("inputs").EnumerateArray());
        Assert.Equal("x", input.GetProperty("name").GetString());
        Assert.Equal("Single", input.GetProperty("type").GetString());
        Assert.Equal("y", Assert.Single(model.GetProperty("signature").GetProperty("outputs").EnumerateArray()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Predict_OnnxOutputIsNaN_Returns422ProblemNotANumber()
    {
        await using var app = await TestApp.StartAsync(b => b.AddModel<SqrtInput, SqrtOutput>("root", m => m.FromFile(OnnxFixtures.PathOf(OnnxFixtures.Sqrt))));

        using var ok = await app.Client.PostAsJsonAsync("/mlops/models/root/predict", new { x = 16 });
        using var nan = await app.Client.PostAsJsonAsync("/mlops/models/root/predict", new { x = -1 });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(4f, (await ok.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("output").GetProperty("y").GetSingle());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, nan.StatusCode);
        Assert.Equal("application/problem+json", nan.Content.Headers.ContentType?.MediaType);
        JsonElement problem = await nan.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("output 'y' is NaN", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
