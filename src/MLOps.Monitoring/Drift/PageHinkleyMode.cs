namespace MLOps.Monitoring.Drift;

/// <summary>Which changes of the mean <see cref="PageHinkley"/> detects.</summary>
public enum PageHinkleyMode
{
    /// <summary>Increases and decreases (River's default, <c>"both"</c>).</summary>
    Both = 0,

    /// <summary>Increases only (<c>"up"</c>).</summary>
    Up = 1,

    /// <summary>Decreases only (<c>"down"</c>).</summary>
    Down = 2,
}
