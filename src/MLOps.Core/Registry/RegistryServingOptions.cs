namespace MLOps;

/// <summary>
/// Former options of models served from the registry (<c>m.FromRegistry(…)</c>). Use <see cref="MLOpsOptions.PollInterval"/>,
/// which applies to every served model, whatever its source.
/// </summary>
/// <remarks>
/// When <see cref="PollInterval"/> is set (through <c>services.Configure&lt;RegistryServingOptions&gt;(…)</c>), it still
/// wins over <see cref="MLOpsOptions.PollInterval"/> for models served from the registry, so existing configurations keep
/// their behaviour.
/// </remarks>
[Obsolete("Set MLOpsOptions.PollInterval (services.AddMLOps(o => o.PollInterval = …)): it now applies to models served from the registry as well as from files. When RegistryServingOptions.PollInterval is set, it still wins for models served from the registry.")]
public sealed class RegistryServingOptions
{
    /// <summary>The value <see cref="PollInterval"/> reads as while it is not set: 5 seconds (not used; unset, models served from the registry poll every <see cref="MLOpsOptions.PollInterval"/>).</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(5);

    private TimeSpan _pollInterval = DefaultPollInterval;

    /// <summary>
    /// Gets or sets how often a model served from the registry re-resolves its alias, overriding
    /// <see cref="MLOpsOptions.PollInterval"/> for those models. <see cref="TimeSpan.Zero"/> disables polling.
    /// </summary>
    /// <value>The default value is unset: <see cref="MLOpsOptions.PollInterval"/> applies.</value>
    public TimeSpan PollInterval
    {
        get => _pollInterval;
        set
        {
            _pollInterval = value;
            IsPollIntervalSet = true;
        }
    }

    /// <summary>Gets whether <see cref="PollInterval"/> was set (then it wins over <see cref="MLOpsOptions.PollInterval"/>).</summary>
    internal bool IsPollIntervalSet { get; private set; }
}
