using MLOps.Monitoring.Profiles;

namespace MLOps.Monitoring.Drift;

/// <summary>
/// Configures online drift monitoring of one model (<c>.WithDriftMonitoring(d => d.WindowSize(1000)…)</c>): the
/// window, the reference profile and the comparison options.
/// </summary>
public sealed class DriftMonitoringBuilder
{
    /// <summary>The default window size: 1,000 predictions.</summary>
    public const int DefaultWindowSize = 1_000;

    internal DriftMonitoringBuilder()
    {
    }

    /// <summary>Gets how predictions are cut into windows.</summary>
    /// <value>The default value is <see cref="DriftWindowKind.TumblingCount"/>.</value>
    public DriftWindowKind WindowKind { get; private set; } = DriftWindowKind.TumblingCount;

    /// <summary>Gets the number of predictions per window (count windows).</summary>
    /// <value>The default value is 1,000.</value>
    public int WindowLength { get; private set; } = DefaultWindowSize;

    /// <summary>Gets the number of predictions between two evaluations of a sliding count window (equal to <see cref="WindowLength"/> for tumbling windows).</summary>
    /// <value>The default value is 1,000.</value>
    public int WindowStep { get; private set; } = DefaultWindowSize;

    /// <summary>Gets the duration of a time window.</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/> (count windows).</value>
    public TimeSpan WindowDuration { get; private set; }

    /// <summary>Gets the time between two evaluations of a sliding time window.</summary>
    /// <value>The default value is <see cref="TimeSpan.Zero"/> (count windows).</value>
    public TimeSpan StepDuration { get; private set; }

    /// <summary>Gets the comparison options (methods, thresholds, dataset drift share, correction).</summary>
    public DriftOptions Options { get; } = new();

    internal ReferenceProfile? ReferenceInstance { get; private set; }

    internal Func<IServiceProvider, ReferenceProfile?>? ReferenceFactory { get; private set; }

    internal string? ReferencePath { get; private set; }

    /// <summary>Uses tumbling windows of <paramref name="predictions"/> predictions (the default, with 1,000).</summary>
    /// <param name="predictions">The number of predictions per window.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="predictions"/> is less than 2.</exception>
    public DriftMonitoringBuilder WindowSize(int predictions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(predictions, 2);
        WindowKind = DriftWindowKind.TumblingCount;
        WindowLength = WindowStep = predictions;
        WindowDuration = StepDuration = TimeSpan.Zero;
        return this;
    }

    /// <summary>Uses sliding windows of the last <paramref name="size"/> predictions, evaluated every <paramref name="step"/> predictions.</summary>
    /// <param name="size">The number of predictions per window.</param>
    /// <param name="step">The number of predictions between evaluations; must divide <paramref name="size"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 2, or <paramref name="step"/> is not a divisor of it.</exception>
    public DriftMonitoringBuilder SlidingWindow(int size, int step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        if (step > size || size % step != 0 || size / step > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must divide the window size, into at most 1000 steps.");
        }

        WindowKind = step == size ? DriftWindowKind.TumblingCount : DriftWindowKind.SlidingCount;
        WindowLength = size;
        WindowStep = step;
        WindowDuration = StepDuration = TimeSpan.Zero;
        return this;
    }

    /// <summary>Uses tumbling windows of a fixed duration (measured with the application's <see cref="TimeProvider"/>).</summary>
    /// <param name="duration">The window duration.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is not positive.</exception>
    /// <remarks>A window closes at the first prediction after its end, so a model without traffic keeps its last window open.</remarks>
    public DriftMonitoringBuilder TimeWindow(TimeSpan duration) => SlidingTimeWindow(duration, duration);

    /// <summary>Uses sliding windows of a fixed duration, evaluated every <paramref name="step"/>.</summary>
    /// <param name="duration">The window duration.</param>
    /// <param name="step">The time between evaluations; must divide <paramref name="duration"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A duration is not positive, or <paramref name="step"/> does not divide <paramref name="duration"/>.</exception>
    public DriftMonitoringBuilder SlidingTimeWindow(TimeSpan duration, TimeSpan step)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(step, TimeSpan.Zero);
        if (step > duration || duration.Ticks % step.Ticks != 0 || duration.Ticks / step.Ticks > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must divide the window duration, into at most 1000 steps.");
        }

        WindowKind = step == duration ? DriftWindowKind.TumblingTime : DriftWindowKind.SlidingTime;
        WindowDuration = duration;
        StepDuration = step;
        WindowLength = WindowStep = 0;
        return this;
    }

    /// <summary>Compares windows with this reference profile (for every served version).</summary>
    /// <param name="profile">The reference profile.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="profile"/> is <see langword="null"/>.</exception>
    public DriftMonitoringBuilder UseReference(ReferenceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ClearReference();
        ReferenceInstance = profile;
        return this;
    }

    /// <summary>Compares windows with the profile returned by <paramref name="factory"/>, called when the model's client is first resolved.</summary>
    /// <param name="factory">Returns the profile from the application's services, or <see langword="null"/> if none is available yet (asked again, on a background thread, at most every 30 seconds while predictions arrive).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public DriftMonitoringBuilder UseReference(Func<IServiceProvider, ReferenceProfile?> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ClearReference();
        ReferenceFactory = factory;
        return this;
    }

    /// <summary>Compares windows with the profile in a JSON file written by <see cref="ReferenceProfile.SaveAsync"/>, read on a background thread before the first window.</summary>
    /// <param name="path">The file path.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public DriftMonitoringBuilder UseReferenceFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ClearReference();
        ReferencePath = Path.GetFullPath(path);
        return this;
    }

    /// <summary>Configures the comparison options.</summary>
    /// <param name="configure">Changes <see cref="Options"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="configure"/> is <see langword="null"/>.</exception>
    public DriftMonitoringBuilder Configure(Action<DriftOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>Sets the method, and optionally the threshold, of one feature.</summary>
    /// <param name="feature">The feature name.</param>
    /// <param name="method">The method.</param>
    /// <param name="threshold">The threshold, or <see langword="null"/> for the method's default.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="feature"/> is null or empty.</exception>
    public DriftMonitoringBuilder Method(string feature, DriftMethod method, double? threshold = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(feature);
        Options.Methods[feature] = method;
        if (threshold is { } t)
        {
            Options.Thresholds[feature] = t;
        }

        return this;
    }

    private void ClearReference()
    {
        ReferenceInstance = null;
        ReferenceFactory = null;
        ReferencePath = null;
    }
}
