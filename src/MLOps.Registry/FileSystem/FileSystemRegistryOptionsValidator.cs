using Microsoft.Extensions.Options;

namespace MLOps.Registry.FileSystem;

/// <summary>Rules data annotations cannot express; every failure is reported at once.</summary>
internal sealed class FileSystemRegistryOptionsValidator : IValidateOptions<FileSystemRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSystemRegistryOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.RootPath))
        {
            builder.AddError("must be a directory path.", nameof(FileSystemRegistryOptions.RootPath));
        }
        else if (options.RootPath.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            builder.AddError("contains characters that are invalid in a path.", nameof(FileSystemRegistryOptions.RootPath));
        }

        if (options.LockTimeout <= TimeSpan.Zero || options.LockTimeout > TimeSpan.FromHours(1))
        {
            builder.AddError("must be more than 0 and at most 1 hour.", nameof(FileSystemRegistryOptions.LockTimeout));
        }

        if (options.DefaultActor is { } actor && (string.IsNullOrWhiteSpace(actor) || actor.Length > 256))
        {
            builder.AddError("must be null or 1 to 256 characters.", nameof(FileSystemRegistryOptions.DefaultActor));
        }

        return builder.Build();
    }
}
