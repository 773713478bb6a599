namespace MLOps.Monitoring.Alerting.Internal;

/// <summary>A notification could not be delivered after every attempt; the inner exception is the last failure.</summary>
internal sealed class AlertDeliveryException(string message, Exception innerException) : Exception(message, innerException);
