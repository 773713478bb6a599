using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Rules that data annotations cannot express; every error is reported at once when the host starts.</summary>
internal sealed partial class AlertingOptionsValidator : IValidateOptions<AlertingOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertingOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (options.EvaluationInterval < TimeSpan.FromMilliseconds(100) || options.EvaluationInterval > TimeSpan.FromHours(1))
        {
            result.AddError("must be between 100 milliseconds and 1 hour.", nameof(AlertingOptions.EvaluationInterval));
        }

        if (options.For < TimeSpan.Zero)
        {
            result.AddError("must not be negative.", nameof(AlertingOptions.For));
        }

        if (options.RenotifyInterval < TimeSpan.Zero)
        {
            result.AddError("must not be negative (zero notifies once per firing).", nameof(AlertingOptions.RenotifyInterval));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (AlertRule rule in options.Rules)
        {
            if (rule is null)
            {
                result.AddError("must not contain null.", nameof(AlertingOptions.Rules));
                continue;
            }

            string where = $"{nameof(AlertingOptions.Rules)}[{rule.Name}]";
            if (string.IsNullOrEmpty(rule.Name) || !RuleName().IsMatch(rule.Name))
            {
                result.AddError("the rule name must be 1 to 128 letters, digits, '_', '.' or '-'.", where);
            }
            else if (!names.Add(rule.Name))
            {
                result.AddError("two rules have this name; rule names must be unique.", where);
            }

            if (!Enum.IsDefined(rule.Kind) || !Enum.IsDefined(rule.Severity) || !Enum.IsDefined(rule.DriftScope))
            {
                result.AddError("Kind, Severity and DriftScope must be defined values.", where);
            }

            if (!double.IsFinite(rule.Threshold))
            {
                result.AddError("Threshold must be a finite number.", where);
            }

            switch (rule.Kind)
            {
                case AlertRuleKind.QualityBelow or AlertRuleKind.QualityAbove when string.IsNullOrWhiteSpace(rule.MetricName):
                    result.AddError($"a {rule.Kind} rule needs a MetricName.", where);
                    break;
                case AlertRuleKind.ErrorRateAbove when rule.Threshold is < 0 or >= 1:
                    result.AddError("the error-rate threshold must be at least 0 and below 1.", where);
                    break;
                case AlertRuleKind.SampleRatioMismatch when !(rule.Threshold > 0 && rule.Threshold < 0.5):
                    result.AddError("the sample-ratio p-value threshold must be above 0 and below 0.5.", where);
                    break;
                case AlertRuleKind.LatencyP95Above when !(rule.Threshold > 0):
                    result.AddError("the latency threshold (seconds) must be positive.", where);
                    break;
            }

            if (rule.Window <= TimeSpan.Zero || rule.Window > TimeSpan.FromDays(7))
            {
                result.AddError("Window must be positive and at most 7 days.", where);
            }

            if (rule.For < TimeSpan.Zero || rule.RenotifyInterval < TimeSpan.Zero)
            {
                result.AddError("For and RenotifyInterval must not be negative.", where);
            }
        }

        return result.Build();
    }

    [GeneratedRegex(@"^[\w.\-]{1,128}$")]
    private static partial Regex RuleName();
}
