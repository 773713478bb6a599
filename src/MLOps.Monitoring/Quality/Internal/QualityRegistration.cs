namespace MLOps.Monitoring.Quality.Internal;

/// <summary>Marks a model as quality-monitored in the service collection (detects a second <c>WithQualityMonitoring</c>).</summary>
internal sealed record QualityRegistration(string ModelName);
