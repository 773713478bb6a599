namespace MLOps.Monitoring.Alerting;

/// <summary>The state of an alert, as in Prometheus: a condition that holds is pending until it has held for the rule's <c>for</c> duration.</summary>
public enum AlertStatus
{
    /// <summary>The condition holds but not yet for the rule's <c>for</c> duration; nothing is notified.</summary>
    Pending,

    /// <summary>The condition has held for the rule's <c>for</c> duration; notifiers were told.</summary>
    Firing,

    /// <summary>The condition of a firing alert no longer holds (only in notifications).</summary>
    Resolved,
}
