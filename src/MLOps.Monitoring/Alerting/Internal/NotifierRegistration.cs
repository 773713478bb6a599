namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>Marks a notifier name as taken in the service collection, so two notifiers cannot share a name (and a metric tag).</summary>
internal sealed record NotifierRegistration(string Name);
