using Microsoft.Extensions.Options;

namespace MLOps.Registry.Tracking;

/// <summary>Rules data annotations cannot express; every failure is reported at once.</summary>
internal sealed class FileSystemTrackingOptionsValidator : IValidateOptions<FileSystemTrackingOptions>
{
    public ValidateOptionsResult Validate(string? name, FileSystemTrackingOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.RootPath))
        {
            builder.AddError("must be a directory path.", nameof(FileSystemTrackingOptions.RootPath));
        }
        else if (options.RootPath.AsSpan().IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            builder.AddError("contains characters that are invalid in a path.", nameof(FileSystemTrackingOptions.RootPath));
        }

        if (options.LockTimeout <= TimeSpan.Zero || options.LockTimeout > TimeSpan.FromHours(1))
        {
            builder.AddError("must be more than 0 and at most 1 hour.", nameof(FileSystemTrackingOptions.LockTimeout));
        }

        return builder.Build();
    }
}
