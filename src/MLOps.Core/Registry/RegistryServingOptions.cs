namespace MLOps;

/// <summary>Options of models served from the registry (<c>m.FromRegistry(…)</c>); configure with <c>services.Configure&lt;RegistryServingOptions&gt;(…)</c>.</summary>
public sealed class RegistryServingOptions
{
    /// <summary>The default <see cref="PollInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets how often a served model re-resolves its alias in addition to the registry's change events (which
    /// can be missed: file-system watchers on mounted volumes, dropped database connections). <see cref="TimeSpan.Zero"/>
    /// disables polling.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;
}
