using Microsoft.Extensions.Options;
using MimeKit;

namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Validates the webhook, Slack and email notifier options (named after their notifier) when the host starts.</summary>
internal sealed class NotifierOptionsValidator :
    IValidateOptions<WebhookNotifierOptions>, IValidateOptions<SlackNotifierOptions>, IValidateOptions<EmailNotifierOptions>
{
    /// <summary>The shortest <see cref="AlertNotifierOptions.AttemptTimeout"/>, the least Polly's timeout strategy accepts.</summary>
    private static readonly TimeSpan MinAttemptTimeout = TimeSpan.FromMilliseconds(10);

    public ValidateOptionsResult Validate(string? name, WebhookNotifierOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        ValidateUrl(result, options.Url, nameof(WebhookNotifierOptions.Url));
        ValidateCommon(result, options);
        return result.Build();
    }

    public ValidateOptionsResult Validate(string? name, SlackNotifierOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        ValidateUrl(result, options.WebhookUrl, nameof(SlackNotifierOptions.WebhookUrl));
        ValidateCommon(result, options);
        return result.Build();
    }

    public ValidateOptionsResult Validate(string? name, EmailNotifierOptions options)
    {
        var result = new ValidateOptionsResultBuilder();
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            result.AddError("is required.", nameof(EmailNotifierOptions.Host));
        }

        if (options.From is null || !MailboxAddress.TryParse(options.From, out _))
        {
            result.AddError("must be an email address.", nameof(EmailNotifierOptions.From));
        }

        if (options.To.Count == 0)
        {
            result.AddError("needs at least one recipient.", nameof(EmailNotifierOptions.To));
        }

        foreach (string to in options.To)
        {
            if (to is null || !MailboxAddress.TryParse(to, out _))
            {
                result.AddError($"'{to}' is not an email address.", nameof(EmailNotifierOptions.To));
            }
        }

        if (options.Password is not null && string.IsNullOrEmpty(options.UserName))
        {
            result.AddError("a Password needs a UserName.", nameof(EmailNotifierOptions.UserName));
        }

        if (!Enum.IsDefined(options.Security))
        {
            result.AddError("must be a defined value.", nameof(EmailNotifierOptions.Security));
        }

        ValidateCommon(result, options);
        return result.Build();
    }

    private static void ValidateUrl(ValidateOptionsResultBuilder result, Uri? url, string property)
    {
        if (url is null || !url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            result.AddError("must be an absolute http or https URL.", property);
        }
    }

    private static void ValidateCommon(ValidateOptionsResultBuilder result, AlertNotifierOptions options)
    {
        if (options.AttemptTimeout < MinAttemptTimeout || options.AttemptTimeout > TimeSpan.FromMinutes(10))
        {
            result.AddError("must be between 10 milliseconds and 10 minutes.", nameof(AlertNotifierOptions.AttemptTimeout));
        }

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > TimeSpan.FromHours(1))
        {
            result.AddError("must be between 0 and 1 hour.", nameof(AlertNotifierOptions.RetryDelay));
        }

        if (options.MaxRetryDelay < options.RetryDelay || options.MaxRetryDelay > TimeSpan.FromHours(1))
        {
            result.AddError("must be at least RetryDelay and at most 1 hour.", nameof(AlertNotifierOptions.MaxRetryDelay));
        }
    }
}
