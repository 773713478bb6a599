using Microsoft.Extensions.Options;
using MLOps.Registry.Internal;

namespace MLOps.Registry.Tracking;

/// <summary>Rules data annotations cannot express; every failure is reported at once.</summary>
internal sealed class FileSystemTrackingOptionsValidator : IValidateOptions<FileSystemTrackingOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSystemTrackingOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        FileSystemOptionsRules.Check(
            builder, options.RootPath, options.LockTimeout, nameof(FileSystemTrackingOptions.RootPath), nameof(FileSystemTrackingOptions.LockTimeout));
        return builder.Build();
    }
}
