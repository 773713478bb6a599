using Microsoft.Extensions.Options;

namespace MLOps.Registry.Internal;

/// <summary>
/// The rules data annotations cannot express, for the file-system registry and tracker alike: a usable root path, a lock
/// timeout in (0, 1 h] and, for the registry, a default actor of 1 to 256 characters. Every failure is reported at once.
/// </summary>
internal sealed class FileSystemOptionsValidator : IValidateOptions<FileSystemRegistryOptions>, IValidateOptions<FileSystemTrackingOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSystemRegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateOptionsResultBuilder builder = Check(options.RootPath, options.LockTimeout);
        if (options.DefaultActor is { } actor && (string.IsNullOrWhiteSpace(actor) || actor.Length > 256))
        {
            builder.AddError("must be null or 1 to 256 characters.", nameof(FileSystemRegistryOptions.DefaultActor));
        }

        if (options.MaxRolloutDecisions is < 1 or > FileSystemRegistryOptions.MaxRolloutDecisionsLimit)
        {
            builder.AddError($"must be from 1 to {FileSystemRegistryOptions.MaxRolloutDecisionsLimit}.", nameof(FileSystemRegistryOptions.MaxRolloutDecisions));
        }

        return builder.Build();
    }

    public ValidateOptionsResult Validate(string? name, FileSystemTrackingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Check(options.RootPath, options.LockTimeout).Build();
    }

    // Both option types name these properties alike, so one pair of names serves for the messages.
    private static ValidateOptionsResultBuilder Check(string? rootPath, TimeSpan lockTimeout)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(rootPath))
        {
            builder.AddError("must be a directory path.", nameof(FileSystemRegistryOptions.RootPath));
        }
        else if (rootPath.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            builder.AddError("contains characters that are invalid in a path.", nameof(FileSystemRegistryOptions.RootPath));
        }

        if (lockTimeout <= TimeSpan.Zero || lockTimeout > TimeSpan.FromHours(1))
        {
            builder.AddError("must be more than 0 and at most 1 hour.", nameof(FileSystemRegistryOptions.LockTimeout));
        }

        return builder;
    }
}
