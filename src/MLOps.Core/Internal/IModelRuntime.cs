namespace MLOps.Internal;

/// <summary>The type-erased view of a served model that the catalog, the hosted service and the gauge use.</summary>
internal interface IModelRuntime
{
    ModelName Name { get; }

    string Variant { get; }

    Task StartAsync(CancellationToken cancellationToken);

    Task<bool> ReloadAsync(CancellationToken cancellationToken);

    ServedModel Describe();
}
