namespace MLOps.Monitoring.Alerting;

/// <summary>
/// Options of the generic webhook notifier: each notification is POSTed as JSON (format in the package README) to
/// <see cref="Url"/>; with a <see cref="Secret"/>, the request carries
/// <c>X-MLOps-Signature: sha256=&lt;hex HMAC-SHA256 of the body&gt;</c>.
/// </summary>
public sealed class WebhookNotifierOptions : AlertNotifierOptions
{
    /// <summary>Gets or sets the absolute http or https URL to POST to. Required.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public Uri? Url { get; set; }

    /// <summary>Gets or sets the shared secret of the HMAC-SHA256 signature; <see langword="null"/> sends no signature.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public string? Secret { get; set; }
}
