using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>Checks <see cref="RolloutAnalysisOptions"/> at startup, listing every error.</summary>
internal sealed class RolloutAnalysisOptionsValidator : IValidateOptions<RolloutAnalysisOptions>
{
    public ValidateOptionsResult Validate(string? name, RolloutAnalysisOptions options)
    {
        var errors = new List<string>();
        if (options.PollInterval < TimeSpan.FromMilliseconds(100) || options.PollInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"RolloutAnalysisOptions.PollInterval must be between 100 ms and 1 hour (was {options.PollInterval}).");
        }

        if (options.MinLabelledPredictions < 1)
        {
            errors.Add($"RolloutAnalysisOptions.MinLabelledPredictions must be at least 1 (was {options.MinLabelledPredictions}).");
        }

        if (!(options.SampleRatioMismatchPValue > 0 && options.SampleRatioMismatchPValue < 0.5))
        {
            errors.Add($"RolloutAnalysisOptions.SampleRatioMismatchPValue must be in (0, 0.5) (was {options.SampleRatioMismatchPValue}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
