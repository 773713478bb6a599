namespace MLOps.Monitoring.Quality.Internal;

/// <summary>Why a prediction is not usable for quality metrics (kept in the store so its feedback is answered <c>Invalid</c> with the reason).</summary>
internal enum PredictionRefusal : byte
{
    None,

    /// <summary>The predicted value or probability is NaN or infinite. Tag value <c>not_finite</c>.</summary>
    NotFinite,

    /// <summary>The predicted value is outside the model's accepted range, or the probability outside [0, 1]. Tag value <c>out_of_range</c>.</summary>
    OutOfRange,

    /// <summary>The multiclass prediction has no label. Tag value <c>no_label</c>.</summary>
    NoLabel,

    /// <summary>The predicted label is longer than the maximum string length. Tag value <c>too_long</c>.</summary>
    LabelTooLong,

    /// <summary>The predicted label is a new class beyond the maximum number of classes. Tag value <c>class_limit</c>.</summary>
    ClassLimit,
}
