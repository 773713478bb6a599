using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Profiles.Internal;
using MLOps.Monitoring.Quality.Internal;

namespace MLOps.Monitoring.Quality;

/// <summary>
/// Configures quality monitoring of one model: its task (how to read the prediction), the window, segmentation and
/// the in-memory prediction store. Used inside <c>WithQualityMonitoring(q => …)</c>.
/// </summary>
/// <typeparam name="TIn">The model's input type.</typeparam>
/// <typeparam name="TOut">The model's output type.</typeparam>
public sealed class QualityMonitoringBuilder<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    /// <summary>The default count window: 1,000 labelled predictions.</summary>
    public const int DefaultWindowSize = 1000;

    /// <summary>The default <see cref="StoreCapacity"/>: 100,000 predictions (about 11 MB, allocated up front; see the quality README's memory bound).</summary>
    public const int DefaultStoreCapacity = 100_000;

    /// <summary>The default maximum number of segments per window.</summary>
    public const int DefaultMaxSegments = 20;

    /// <summary>The default minimum segment size for <see cref="QualityWindow.SegmentRatios"/>.</summary>
    public const int DefaultMinimumSegmentSize = 30;

    /// <summary>
    /// The largest magnitude a regression prediction or actual value may have, and the default
    /// <see cref="AcceptedRange"/> [−1e149, 1e149]: with it the squared errors summed over the largest possible window
    /// (<see cref="Array.MaxLength"/> pairs) stay finite, since 4 · 2,147,483,591 · (1e149)² ≈ 8.6e307 &lt; <see cref="double.MaxValue"/>.
    /// </summary>
    public const double MaximumValueMagnitude = QualityLimits.MaximumMagnitude;

    /// <summary>The default <see cref="MaxStringLength"/>: 256 characters.</summary>
    public const int DefaultMaxStringLength = QualityLimits.DefaultMaxStringLength;

    /// <summary>The default number of distinct segment values kept per model (see <see cref="SegmentBy"/>): 100.</summary>
    public const int DefaultMaxDistinctSegments = QualityLimits.DefaultMaxDistinctSegments;

    /// <summary>The default number of distinct predicted classes of a multiclass model (see <see cref="MulticlassClassification"/>): 1,000.</summary>
    public const int DefaultMaxClasses = QualityLimits.DefaultMaxClasses;

    /// <summary>The default feedback time-to-live: one day.</summary>
    public static readonly TimeSpan DefaultFeedbackTimeToLive = TimeSpan.FromDays(1);

    internal QualityMonitoringBuilder()
    {
    }

    internal QualityTask? Task { get; private set; }

    internal Func<TOut, double>? Value { get; private set; }

    internal Func<TOut, bool>? PredictedLabel { get; private set; }

    internal Func<TOut, double>? Probability { get; private set; }

    internal Func<TOut, string?>? PredictedClass { get; private set; }

    internal Func<TIn, string?>? Segment { get; private set; }

    internal int MaxSegments { get; private set; } = DefaultMaxSegments;

    internal int DistinctSegments { get; private set; } = DefaultMaxDistinctSegments;

    internal int Classes { get; private set; } = DefaultMaxClasses;

    internal int StringLength { get; private set; } = DefaultMaxStringLength;

    internal double MinimumValue { get; private set; } = -MaximumValueMagnitude;

    internal double MaximumValue { get; private set; } = MaximumValueMagnitude;

    internal bool HasRange { get; private set; }

    internal int MinimumSegmentSize { get; private set; } = DefaultMinimumSegmentSize;

    internal int WindowSize { get; private set; } = DefaultWindowSize;

    internal TimeSpan? WindowDuration { get; private set; }

    internal int Capacity { get; private set; } = DefaultStoreCapacity;

    internal TimeSpan TimeToLive { get; private set; } = DefaultFeedbackTimeToLive;

    /// <summary>The input features written to the prediction log (<see cref="LogInputs"/>), or <see langword="null"/>.</summary>
    internal MemberFeature<TIn>[]? InputFeatures { get; private set; }

    /// <summary>Monitors a regression model: metrics <c>r2</c>, <c>rmse</c>, <c>mae</c>, <c>mape</c>; feedback is the actual number.</summary>
    /// <param name="predictedValue">Reads the predicted value, for example <c>o => o.Score</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predictedValue"/> is <see langword="null"/>.</exception>
    public QualityMonitoringBuilder<TIn, TOut> Regression(Func<TOut, double> predictedValue)
    {
        ArgumentNullException.ThrowIfNull(predictedValue);
        Reset(QualityTask.Regression);
        Value = predictedValue;
        return this;
    }

    /// <summary>
    /// Monitors a binary classifier: metrics <c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c> and, with
    /// <paramref name="probability"/>, <c>roc_auc</c> and <c>log_loss</c>; feedback is the actual label.
    /// </summary>
    /// <param name="predictedLabel">Reads the predicted label, for example <c>o => o.PredictedLabel</c>.</param>
    /// <param name="probability">Reads the probability of the positive class, for example <c>o => o.Probability</c> (optional).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predictedLabel"/> is <see langword="null"/>.</exception>
    public QualityMonitoringBuilder<TIn, TOut> BinaryClassification(Func<TOut, bool> predictedLabel, Func<TOut, double>? probability = null)
    {
        ArgumentNullException.ThrowIfNull(predictedLabel);
        Reset(QualityTask.BinaryClassification);
        PredictedLabel = predictedLabel;
        Probability = probability;
        return this;
    }

    /// <summary>
    /// Monitors a multiclass classifier: metrics <c>accuracy</c>, <c>macro_f1</c>, <c>micro_f1</c>; feedback is the
    /// actual class, compared ordinally with the predicted one.
    /// </summary>
    /// <param name="predictedClass">Reads the predicted class, for example <c>o => o.PredictedLabel</c> (return a cached string to avoid allocating per prediction).</param>
    /// <param name="maxClasses">
    /// The distinct predicted classes kept per model (each at most <see cref="MaxStringLength"/> characters). A
    /// prediction of a further class is refused (counted in <c>mlops.quality.prediction.refused</c>, and its feedback
    /// answered <see cref="Feedback.FeedbackOutcome.Invalid"/>), so the labels kept per prediction stay bounded in bytes.
    /// </param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predictedClass"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxClasses"/> is less than 2.</exception>
    public QualityMonitoringBuilder<TIn, TOut> MulticlassClassification(Func<TOut, string?> predictedClass, int maxClasses = DefaultMaxClasses)
    {
        ArgumentNullException.ThrowIfNull(predictedClass);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxClasses, 2);
        Reset(QualityTask.MulticlassClassification);
        PredictedClass = predictedClass;
        Classes = maxClasses;
        return this;
    }

    /// <summary>Uses tumbling windows of a number of labelled predictions per model version and variant (the default, 1,000).</summary>
    /// <param name="labelledPredictions">The window size.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="labelledPredictions"/> is less than 1.</exception>
    public QualityMonitoringBuilder<TIn, TOut> Window(int labelledPredictions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(labelledPredictions, 1);
        WindowSize = labelledPredictions;
        WindowDuration = null;
        return this;
    }

    /// <summary>
    /// Uses tumbling time windows of feedback arrival per model version and variant, aligned to multiples of
    /// <paramref name="duration"/> since the Unix epoch on the application's <see cref="TimeProvider"/>. A window
    /// closes at its end (checked on feedback, on <see cref="IModelQualityMonitor.GetLatest"/> and every second in the
    /// background); an interval without feedback produces no window.
    /// </summary>
    /// <param name="duration">The window length.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is not positive.</exception>
    public QualityMonitoringBuilder<TIn, TOut> Window(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        WindowDuration = duration;
        return this;
    }

    /// <summary>
    /// Slices every window's metrics by a categorical feature of the input (see <see cref="QualityWindow.Segments"/> and
    /// <see cref="QualityWindow.SegmentRatios"/>).
    /// </summary>
    /// <param name="segment">Reads the segment value, for example <c>input => input.Region</c> (<see langword="null"/> counts as <see cref="SegmentQuality.NoSegment"/>).</param>
    /// <param name="maxSegments">Segments per window; the smallest beyond it are merged into <see cref="SegmentQuality.OtherSegments"/>.</param>
    /// <param name="minimumSegmentSize">Labelled predictions a segment needs to take part in <see cref="QualityWindow.SegmentRatios"/>.</param>
    /// <param name="maxDistinctSegments">
    /// The distinct segment values kept per model, first come first kept. A further value, or one longer than
    /// <see cref="MaxStringLength"/>, is stored as <see cref="SegmentQuality.OtherSegments"/> and counted in
    /// <c>mlops.quality.segment.overflow</c>: the store then keeps a reference to one of a bounded set of strings per
    /// prediction, whatever the inputs.
    /// </param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="segment"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSegments"/> or <paramref name="maxDistinctSegments"/> is less than 2, or <paramref name="minimumSegmentSize"/> less than 1.</exception>
    public QualityMonitoringBuilder<TIn, TOut> SegmentBy(
        Func<TIn, string?> segment,
        int maxSegments = DefaultMaxSegments,
        int minimumSegmentSize = DefaultMinimumSegmentSize,
        int maxDistinctSegments = DefaultMaxDistinctSegments)
    {
        ArgumentNullException.ThrowIfNull(segment);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSegments, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumSegmentSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDistinctSegments, 2);
        Segment = segment;
        MaxSegments = maxSegments;
        MinimumSegmentSize = minimumSegmentSize;
        DistinctSegments = maxDistinctSegments;
        return this;
    }

    /// <summary>
    /// Sets the plausible range of a regression model's values. A prediction outside it is refused: it never enters a
    /// window, is counted in <c>mlops.quality.prediction.refused</c>, and its feedback is answered
    /// <see cref="Feedback.FeedbackOutcome.Invalid"/>. Feedback whose actual value is outside it is answered
    /// <see cref="Feedback.FeedbackOutcome.Invalid"/> too, with the reason. Without a call the range is
    /// [−<see cref="MaximumValueMagnitude"/>, <see cref="MaximumValueMagnitude"/>], the widest one that keeps every
    /// metric sum finite; set a tighter one that fits the model, for example <c>AcceptedRange(0, 86_400)</c> for a
    /// duration in seconds.
    /// </summary>
    /// <param name="minimum">The smallest accepted value.</param>
    /// <param name="maximum">The largest accepted value.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A bound is not finite or its magnitude exceeds <see cref="MaximumValueMagnitude"/>, or <paramref name="minimum"/> is not less than <paramref name="maximum"/>.</exception>
    /// <remarks>Only a regression model has a range; <c>WithQualityMonitoring</c> throws <see cref="InvalidOperationException"/> if another task sets one. A binary classifier's probability must be in [0, 1].</remarks>
    public QualityMonitoringBuilder<TIn, TOut> AcceptedRange(double minimum, double maximum)
    {
        ThrowIfOutOfMagnitude(minimum, nameof(minimum));
        ThrowIfOutOfMagnitude(maximum, nameof(maximum));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(minimum, maximum);
        MinimumValue = minimum;
        MaximumValue = maximum;
        HasRange = true;
        return this;
    }

    /// <summary>
    /// Sets the longest segment value or class label kept per prediction. A longer segment value is stored as
    /// <see cref="SegmentQuality.OtherSegments"/>; a longer predicted class is refused; a longer actual class is answered
    /// <see cref="Feedback.FeedbackOutcome.Invalid"/>.
    /// </summary>
    /// <param name="length">The length in UTF-16 characters (default <see cref="DefaultMaxStringLength"/>, 256).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is less than 1.</exception>
    public QualityMonitoringBuilder<TIn, TOut> MaxStringLength(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        StringLength = length;
        return this;
    }

    /// <summary>
    /// Sets how many predictions the in-memory store keeps for joining feedback. The store is a preallocated ring: when
    /// full, each new prediction overwrites the oldest one (feedback for it then needs the durable
    /// <see cref="Feedback.IPredictionLog"/>).
    /// </summary>
    /// <param name="capacity">The number of predictions (about 120 bytes each with the index; segment values and class labels are shared from bounded sets).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public QualityMonitoringBuilder<TIn, TOut> StoreCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        return this;
    }

    /// <summary>
    /// Sets how long after a prediction its feedback is still joined. Older feedback for a known prediction is
    /// <see cref="Feedback.FeedbackOutcome.Late"/>: counted, not scored. Expiry is checked when feedback arrives; an
    /// expired prediction stays in the store (answering <c>Late</c>) until the ring overwrites it.
    /// </summary>
    /// <param name="timeToLive">The time-to-live (default one day).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeToLive"/> is not positive.</exception>
    public QualityMonitoringBuilder<TIn, TOut> FeedbackTimeToLive(TimeSpan timeToLive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        TimeToLive = timeToLive;
        return this;
    }

    /// <summary>
    /// Writes the model input's features into the durable prediction log with each prediction
    /// (<see cref="Feedback.PredictionRecord.Inputs"/>), so batch monitoring jobs can compute drift from the log against
    /// the reference profile of the version that served each row. The features are read as drift monitoring reads them:
    /// the public properties and fields of <typeparamref name="TIn"/> that a <see cref="ReferenceProfile"/> of the type
    /// would profile (numbers, Booleans, enums and strings; <see cref="DriftFeatureAttribute"/> and
    /// <paramref name="configure"/> select and type them), through compiled accessors.
    /// </summary>
    /// <param name="configure">Selects the features like the profile's options (<see cref="ProfileOptions.Include"/>, <see cref="ProfileOptions.Roles"/>); use the options the reference profile was built with.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><typeparamref name="TIn"/> has no member to log, or a role does not fit a member's type.</exception>
    /// <remarks>
    /// Opt-in and off by default: without it nothing is read from the input. With it, each logged prediction costs one
    /// array of features (and the text of a categorical feature read from a number or an enum), and only when a
    /// durable <see cref="Feedback.IPredictionLog"/> is registered. The line grows by a few dozen bytes per feature.
    /// </remarks>
    public QualityMonitoringBuilder<TIn, TOut> LogInputs(Action<ProfileOptions>? configure = null)
    {
        var options = new ProfileOptions();
        configure?.Invoke(options);
        List<MemberFeature<TIn>> features = MemberFeature<TIn>.Discover(options);
        if (features.Count == 0)
        {
            throw new ArgumentException($"Type {typeof(TIn).Name} has no public numeric, Boolean, string or enum member to log as an input feature.", nameof(configure));
        }

        InputFeatures = [.. features];
        return this;
    }

    internal QualitySettings ToSettings(string modelName, QualityTask task) => new(
        modelName,
        task,
        HasScore: Probability is not null,
        HasSegments: Segment is not null,
        WindowSize,
        WindowDuration,
        Capacity,
        TimeToLive,
        MaxSegments,
        MinimumSegmentSize,
        MinimumValue,
        MaximumValue,
        StringLength,
        DistinctSegments,
        Classes);

    private static void ThrowIfOutOfMagnitude(double value, string paramName)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > MaximumValueMagnitude)
        {
            throw new ArgumentOutOfRangeException(paramName, value, "A bound must be finite, with a magnitude of at most 1e149 (MaximumValueMagnitude).");
        }
    }

    private void Reset(QualityTask task)
    {
        Task = task;
        Value = null;
        PredictedLabel = null;
        Probability = null;
        PredictedClass = null;
    }
}
