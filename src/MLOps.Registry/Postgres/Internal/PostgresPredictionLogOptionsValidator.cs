using Microsoft.Extensions.Options;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>The rules of <see cref="PostgresPredictionLogOptions"/> data annotations cannot express; every failure is reported at once.</summary>
internal sealed class PostgresPredictionLogOptionsValidator : IValidateOptions<PostgresPredictionLogOptions>
{
    internal static readonly TimeSpan MinPartitionInterval = TimeSpan.FromHours(1);
    internal static readonly TimeSpan MaxPartitionInterval = TimeSpan.FromDays(31);

    public ValidateOptionsResult Validate(string? name, PostgresPredictionLogOptions options)
    {
        var builder = new ValidateOptionsResultBuilder();
        if (options.PartitionInterval < MinPartitionInterval || options.PartitionInterval > MaxPartitionInterval
            || options.PartitionInterval.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            builder.AddError("must be a whole number of minutes from 1 hour to 31 days.", nameof(PostgresPredictionLogOptions.PartitionInterval));
        }

        if (options.RetentionPeriod < options.PartitionInterval)
        {
            builder.AddError("must be at least the partition interval.", nameof(PostgresPredictionLogOptions.RetentionPeriod));
        }

        return builder.Build();
    }
}
