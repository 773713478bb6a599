namespace MLOps.AspNetCore;

/// <summary>Behaviour of the dashboard mapped by <c>MapMLOpsDashboard()</c>.</summary>
public sealed class MLOpsDashboardOptions
{
    /// <summary>The default <see cref="RefreshInterval"/>: 5 seconds.</summary>
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromSeconds(5);

    /// <summary>The shortest <see cref="RefreshInterval"/>: 1 second.</summary>
    internal static readonly TimeSpan MinRefreshInterval = TimeSpan.FromSeconds(1);

    /// <summary>The longest <see cref="RefreshInterval"/>: 10 minutes.</summary>
    internal static readonly TimeSpan MaxRefreshInterval = TimeSpan.FromMinutes(10);

    /// <summary>Gets or sets how often an open dashboard page polls the MLOps endpoints and re-renders.</summary>
    /// <value>The default value is 5 seconds; from 1 second to 10 minutes, </value>
    public TimeSpan RefreshInterval { get; set; } = DefaultRefreshInterval;

    internal void Validate()
    {
        if (RefreshInterval < MinRefreshInterval || RefreshInterval > MaxRefreshInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(RefreshInterval), RefreshInterval, $"RefreshInterval must be from {MinRefreshInterval} to {MaxRefreshInterval}.");
        }
    }
}
