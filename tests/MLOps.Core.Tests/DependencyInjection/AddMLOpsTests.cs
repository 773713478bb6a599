using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MLOps.Core.Tests.Support;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MLOps.Core.Tests.DependencyInjection;

public class AddMLOpsTests
{
    [Fact]
    public void AddMLOps_CalledTwice_RegistersEachServiceOnce()
    {
        var services = new ServiceCollection();

        services.AddMLOps();
        int count = services.Count;
        services.AddMLOps(o => o.ServiceName = "taxi-api");

        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IHostedService)));
        Assert.Equal(1, services.Count(d => d.ServiceType == typeof(IModelCatalog)));
        Assert.Equal(count + 1, services.Count);   // only the added Configure callback
        using var provider = services.BuildServiceProvider();
        Assert.Equal("taxi-api", provider.GetRequiredService<IOptions<MLOpsOptions>>().Value.ServiceName);
    }

    [Fact]
    public void AddMLOps_NullArguments_ThrowNamingTheParameter()
    {
        Assert.Equal("services", Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddMLOps()).ParamName);
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddMLOps(null!)).ParamName);
        var builder = new ServiceCollection().AddMLOps();
        Assert.Equal("configure", Assert.Throws<ArgumentNullException>(() => builder.AddModel<HouseInput, HousePrediction>("m", null!)).ParamName);
        Assert.Equal("builder", Assert.Throws<ArgumentNullException>(() => ((IMLOpsBuilder)null!).AddModel<HouseInput, HousePrediction>("m", _ => { })).ParamName);
    }

    [Fact]
    public async Task HostStart_WithInvalidOptions_FailsListingEveryError()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMLOps(o =>
        {
            o.ServiceName = "has space";
            o.EnginePoolSize = 0;
            o.PollInterval = TimeSpan.FromMilliseconds(1);
            o.ReloadDelay = TimeSpan.FromSeconds(-1);
        });
        using IHost host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        string all = string.Join("\n", ex.Failures);
        Assert.Contains(nameof(MLOpsOptions.ServiceName), all, StringComparison.Ordinal);
        Assert.Contains(nameof(MLOpsOptions.EnginePoolSize), all, StringComparison.Ordinal);
        Assert.Contains(nameof(MLOpsOptions.PollInterval), all, StringComparison.Ordinal);
        Assert.Contains(nameof(MLOpsOptions.ReloadDelay), all, StringComparison.Ordinal);
    }

    [Fact]
    public void AddModel_InvalidName_ThrowsArgumentExceptionNamingParameterAndRule()
    {
        var builder = new ServiceCollection().AddMLOps();

        var ex = Assert.Throws<ArgumentException>(() => builder.AddModel<HouseInput, HousePrediction>("../taxi", m => m.FromTransformer(TestModels.Distinct[0])));

        Assert.Equal("name", ex.ParamName);
        Assert.Contains(ModelName.Pattern, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddModel_SameNameTwice_Throws()
    {
        var builder = new ServiceCollection().AddMLOps();
        builder.AddModel<HouseInput, HousePrediction>("taxi", m => m.FromTransformer(TestModels.Distinct[0]));

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddModel<HouseInput, HousePrediction>("taxi", m => m.FromTransformer(TestModels.Distinct[0])));

        Assert.Contains("already registered", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddModel_WithoutSource_ThrowsNamingTheSourceMethods()
    {
        var builder = new ServiceCollection().AddMLOps();

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddModel<HouseInput, HousePrediction>("taxi", _ => { }));

        Assert.Contains("FromFile", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithVariant_Invalid_ThrowsArgumentException()
    {
        var builder = new ServiceCollection().AddMLOps();

        var ex = Assert.Throws<ArgumentException>(() => builder.AddModel<HouseInput, HousePrediction>("taxi", m => m.FromTransformer(TestModels.Distinct[0]).WithVariant("no spaces")));

        Assert.Equal("variant", ex.ParamName);
    }

    [Fact]
    public async Task Catalog_ListsEveryModelWithItsState()
    {
        await using var provider = Services.Build(b => b
            .AddModel<HouseInput, HousePrediction>("b", m => m.FromTransformer(TestModels.Distinct[0]))
            .AddModel<HouseInput, HousePrediction>("a", m => m.FromSource(_ => new TestModelSource(_ => null))));
        await Services.StartAsync(provider);
        var catalog = provider.GetRequiredService<IModelCatalog>();

        var models = catalog.GetModels();

        Assert.Equal(["a", "b"], models.Select(m => m.Name.Value));
        Assert.False(models[0].IsLoaded);
        Assert.True(models[1].IsLoaded);
        Assert.Equal(typeof(HouseInput), models[1].InputType);
        Assert.Null(catalog.Find(ModelName.Parse("missing")));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => catalog.ReloadAsync(ModelName.Parse("missing")));
    }

    [Fact]
    public async Task AddMLOpsInstrumentation_ExportsPredictionMetricsAndTracesThroughOpenTelemetry()
    {
        var metrics = new List<Metric>();
        var activities = new List<System.Diagnostics.Activity>();
        await using var provider = Services.Build(
            b => b.AddModel<HouseInput, HousePrediction>("house", m => m.FromTransformer(TestModels.Distinct[0])),
            s => s.AddOpenTelemetry()
                .WithMetrics(m => m.AddMLOpsInstrumentation().AddInMemoryExporter(metrics))
                .WithTracing(t => t.AddMLOpsInstrumentation().AddInMemoryExporter(activities)));
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(default);   // starts the OpenTelemetry providers too
        }

        provider.GetRequiredService<IModelClient<HouseInput, HousePrediction>>().Predict(TestModels.Inputs[0]);
        provider.GetRequiredService<MeterProvider>().ForceFlush();

        Assert.Contains(metrics, m => m.Name == MLOpsTelemetry.Instruments.PredictionDuration && m.MeterName == MLOpsTelemetry.Name);
        Assert.Contains(metrics, m => m.Name == MLOpsTelemetry.Instruments.ModelLoaded);
        Assert.Contains(activities, a => a.OperationName == "mlops.predict house");
    }
    [Fact]
    public void AddMLOpsInstrumentation_ServiceNameSet_IsTheResourceServiceName()
    {
        // Regression: /metrics said service_name="unknown_service:TaxiService" though the sample sets "taxi-api".
        using var provider = ProviderWithServiceName("taxi-api", configuration: []);

        Assert.Equal("taxi-api", ResourceServiceName(provider.GetRequiredService<MeterProvider>()));
        Assert.Equal("taxi-api", ResourceServiceName(provider.GetRequiredService<TracerProvider>()));
    }

    [Fact]
    public void AddMLOpsInstrumentation_DefaultServiceName_LeavesOpenTelemetrysDefault()
    {
        using var provider = ProviderWithServiceName(MLOpsOptions.DefaultServiceName, configuration: []);

        Assert.StartsWith("unknown_service", ResourceServiceName(provider.GetRequiredService<MeterProvider>()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OTEL_SERVICE_NAME", "from-env")]
    [InlineData("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod,service.name=from-env")]
    public void AddMLOpsInstrumentation_ServiceNameFromOtelEnvironment_Wins(string key, string value)
    {
        using var provider = ProviderWithServiceName("taxi-api", configuration: new() { [key] = value });

        Assert.Equal("from-env", ResourceServiceName(provider.GetRequiredService<MeterProvider>()));
        Assert.Equal("from-env", ResourceServiceName(provider.GetRequiredService<TracerProvider>()));
    }

    private static ServiceProvider ProviderWithServiceName(string serviceName, Dictionary<string, string?> configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(
            new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddMLOps(o => o.ServiceName = serviceName);
        services.AddOpenTelemetry()
            .WithMetrics(m => m.AddMLOpsInstrumentation())
            .WithTracing(t => t.AddMLOpsInstrumentation());
        return services.BuildServiceProvider();
    }

    private static string? ResourceServiceName(BaseProvider provider) =>
        provider.GetResource().Attributes.FirstOrDefault(a => a.Key == "service.name").Value as string;
}
