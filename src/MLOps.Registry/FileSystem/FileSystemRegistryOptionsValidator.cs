using Microsoft.Extensions.Options;
using MLOps.Registry.Internal;

namespace MLOps.Registry.FileSystem;

/// <summary>Rules data annotations cannot express; every failure is reported at once.</summary>
internal sealed class FileSystemRegistryOptionsValidator : IValidateOptions<FileSystemRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSystemRegistryOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        FileSystemOptionsRules.Check(
            builder, options.RootPath, options.LockTimeout, nameof(FileSystemRegistryOptions.RootPath), nameof(FileSystemRegistryOptions.LockTimeout));
        if (options.DefaultActor is { } actor && (string.IsNullOrWhiteSpace(actor) || actor.Length > 256))
        {
            builder.AddError("must be null or 1 to 256 characters.", nameof(FileSystemRegistryOptions.DefaultActor));
        }

        return builder.Build();
    }
}
