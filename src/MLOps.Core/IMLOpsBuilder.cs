using Microsoft.Extensions.DependencyInjection;

namespace MLOps;

/// <summary>
/// Configures MLOps for .NET; returned by <c>services.AddMLOps()</c>. Feature packages (registry, monitoring) add
/// extension methods to it.
/// </summary>
public interface IMLOpsBuilder
{
    /// <summary>Gets the service collection MLOps registers into.</summary>
    IServiceCollection Services { get; }
}
