namespace MLOps;

/// <summary>
/// Thrown by a prediction when its input cannot give a valid result: the input does not fit the model (an array of the
/// wrong length for a graph input) or the model's output for it is not a number (NaN), which is never returned as a
/// prediction. It is counted as a failed prediction; over HTTP it is a 422 problem, not a server error.
/// </summary>
/// <remarks>
/// A <see cref="ModelPredictor{TIn, TOut}"/> of a custom runtime throws it for the same cases. Its message names the
/// property and the tensor, never the input's values.
/// </remarks>
public sealed class InvalidPredictionException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    public InvalidPredictionException()
        : base("The model cannot make a valid prediction for this input.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is invalid, naming the property or the output.</param>
    public InvalidPredictionException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">What is invalid, naming the property or the output.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidPredictionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
