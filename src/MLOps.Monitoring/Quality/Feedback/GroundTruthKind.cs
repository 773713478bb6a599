namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>The kind of value a <see cref="GroundTruth"/> holds.</summary>
public enum GroundTruthKind
{
    /// <summary>No value (<see langword="default"/>); always rejected as <see cref="FeedbackOutcome.Invalid"/>.</summary>
    None = 0,

    /// <summary>A number: the target of a regression model, or 0/1 for a binary classifier, or an integer class label.</summary>
    Number,

    /// <summary>A boolean: the label of a binary classifier.</summary>
    Boolean,

    /// <summary>A text label: the class of a multiclass classifier (or <c>true</c>/<c>false</c> for a binary one).</summary>
    Label,
}
