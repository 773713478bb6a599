using System.ComponentModel.DataAnnotations;

namespace MLOps;

/// <summary>Options of the MLOps serving pipeline, configured with <c>services.AddMLOps(o => …)</c>.</summary>
public sealed class MLOpsOptions
{
    /// <summary>The default <see cref="ServiceName"/>.</summary>
    public const string DefaultServiceName = "mlops-service";

    /// <summary>The default <see cref="ReloadDelay"/>: 250 milliseconds.</summary>
    public static readonly TimeSpan DefaultReloadDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>The default <see cref="PollInterval"/>: 2 seconds.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(2);

    /// <summary>The default <see cref="ObserverErrorLogInterval"/>: 1 minute.</summary>
    public static readonly TimeSpan DefaultObserverErrorLogInterval = TimeSpan.FromMinutes(1);

    /// <summary>Gets or sets the name of the service, used in logs, reports and audit events.</summary>
    /// <value>The default value is <c>mlops-service</c>.</value>
    [Required]
    [RegularExpression(@"^[\w.\-]{1,128}$", ErrorMessage = "ServiceName must be 1 to 128 letters, digits, '_', '.' or '-'.")]
    public string ServiceName { get; set; } = DefaultServiceName;

    /// <summary>
    /// Gets or sets how many idle ML.NET prediction engines each loaded model version keeps for reuse. More concurrent
    /// callers than this still get an engine; the extra ones are disposed instead of pooled.
    /// </summary>
    /// <value>The default value is twice <see cref="Environment.ProcessorCount"/>.</value>
    [Range(1, 4096)]
    public int EnginePoolSize { get; set; } = Environment.ProcessorCount * 2;

    /// <summary>
    /// Gets or sets how long to wait after a model source reports a change before reloading, so that a burst of
    /// file events causes one reload.
    /// </summary>
    /// <value>The default value is 250 milliseconds.</value>
    public TimeSpan ReloadDelay { get; set; } = DefaultReloadDelay;

    /// <summary>
    /// Gets or sets how often every served model re-checks its source, in addition to the source's change notifications
    /// (which can be missed: file-system watchers on mounted volumes, lost database notifications). A file source
    /// (<c>FromFile</c> with <c>watchForChanges</c>) compares the file's size and time stamp; a registry source
    /// (<c>FromRegistry</c>) re-resolves its alias and reloads when it designates another version than the one served, so
    /// a missed change event is repaired within one interval. <see cref="TimeSpan.Zero"/> disables polling.
    /// </summary>
    /// <remarks>
    /// This is the one serving-side interval. <c>PostgresRegistryOptions.PollInterval</c> (MLOps.Registry) is a different,
    /// registry-side setting: how often a PostgreSQL registry checks every model's change counter to raise change events
    /// it missed, for all its subscribers; a served model converges through whichever comes first. The obsolete
    /// <c>RegistryServingOptions.PollInterval</c>, when set, overrides this one for models served from the registry.
    /// </remarks>
    /// <value>The default value is 2 seconds.</value>
    public TimeSpan PollInterval { get; set; } = DefaultPollInterval;

    /// <summary>Gets or sets the minimum interval between two logged failures of prediction observers of one model.</summary>
    /// <value>The default value is 1 minute.</value>
    public TimeSpan ObserverErrorLogInterval { get; set; } = DefaultObserverErrorLogInterval;
}
