using Microsoft.Extensions.DependencyInjection;

namespace MLOps.Internal;

internal sealed class MLOpsBuilder(IServiceCollection services) : IMLOpsBuilder
{
    public IServiceCollection Services { get; } = services;
}
