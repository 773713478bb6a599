namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// The shared store that claims feedback across a fleet (<see cref="IFeedbackLog"/> and the fleet's queue) could not be
/// reached, so the feedback was not recorded. Nothing was claimed: the same feedback can be sent again. The HTTP feedback
/// endpoint answers it with 503 and a <c>Retry-After</c> header.
/// </summary>
public sealed class FeedbackStoreUnavailableException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public FeedbackStoreUnavailableException()
        : base("The feedback store is unavailable; the feedback was not recorded and can be sent again.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public FeedbackStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the store's error.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The store's error.</param>
    public FeedbackStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
