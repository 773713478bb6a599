using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MLOps.AspNetCore.Internal;

/// <summary>Creates (once per model) the typed HTTP endpoint of each model in the catalog.</summary>
internal sealed class ModelEndpoints(IServiceProvider services, IModelCatalog catalog)
{
    private readonly ConcurrentDictionary<string, ModelEndpoint> _endpoints = new(StringComparer.Ordinal);

    public IModelCatalog Catalog => catalog;

    public ModelEndpoint? Find(string name)
    {
        if (_endpoints.TryGetValue(name, out ModelEndpoint? endpoint))
        {
            return endpoint;
        }

        ServedModel? model = ModelName.TryParse(name, out ModelName modelName) ? catalog.Find(modelName) : null;
        return model is null ? null : _endpoints.GetOrAdd(name, _ => Create(model));
    }

    private ModelEndpoint Create(ServedModel model)
    {
        Type clientType = typeof(IModelClient<,>).MakeGenericType(model.InputType, model.OutputType);
        object client = services.GetRequiredKeyedService(clientType, model.Name.Value);
        ILogger logger = services.GetService<ILoggerFactory>()?.CreateLogger("MLOps.AspNetCore") ?? NullLogger.Instance;
        Type endpointType = typeof(ModelEndpoint<,>).MakeGenericType(model.InputType, model.OutputType);
        return (ModelEndpoint)Activator.CreateInstance(endpointType, client, logger)!;
    }
}
