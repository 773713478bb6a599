using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML;
using MLOps.Monitoring.Retraining.Internal;

namespace MLOps.Monitoring.Retraining;

/// <summary>
/// Configures when and how one served model is retrained: triggers (combinable), guards (cooldown, retries, timeout),
/// the data and the training step, the evaluation, and what happens to a better candidate. Created by
/// <c>WithRetrainPolicy</c>.
/// </summary>
/// <typeparam name="TIn">The model's input type (with the label).</typeparam>
public sealed class RetrainPolicyBuilder<TIn>
    where TIn : class
{
    /// <summary>The default <see cref="Cooldown"/>: one hour.</summary>
    public static readonly TimeSpan DefaultCooldown = TimeSpan.FromHours(1);

    /// <summary>The default training timeout: 30 minutes.</summary>
    public static readonly TimeSpan DefaultTrainingTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The default first retry delay (doubled on each further attempt): one minute.</summary>
    public static readonly TimeSpan DefaultRetryBackoff = TimeSpan.FromMinutes(1);

    /// <summary>The default number of attempts per trigger.</summary>
    public const int DefaultMaxAttempts = 3;

    /// <summary>The default hold-out fraction.</summary>
    public const double DefaultHoldOutFraction = 0.2;

    private readonly List<QualityRule> _qualityRules = [];

    internal RetrainPolicyBuilder(ModelName modelName) => ModelName = modelName;

    internal ModelName ModelName { get; }

    internal bool OnDrift { get; private set; }

    internal IReadOnlyList<QualityRule> QualityRules => _qualityRules;

    internal TimeSpan? ScheduleInterval { get; private set; }

    internal Cronos.CronExpression? ScheduleCron { get; private set; }

    internal long? LabelledRowsThreshold { get; private set; }

    internal TimeSpan CooldownValue { get; private set; } = DefaultCooldown;

    internal int MaxAttempts { get; private set; } = DefaultMaxAttempts;

    internal TimeSpan RetryBackoff { get; private set; } = DefaultRetryBackoff;

    internal TimeSpan TrainingTimeoutValue { get; private set; } = DefaultTrainingTimeout;

    internal double HoldOutFraction { get; private set; } = DefaultHoldOutFraction;

    internal int Seed { get; private set; } = 42;

    internal int FeatureImportancePermutations { get; private set; }

    internal Func<IServiceProvider, IModelTrainer<TIn>>? TrainerFactory { get; private set; }

    internal Func<IServiceProvider, IModelArtifactTrainer<TIn>>? ArtifactTrainerFactory { get; private set; }

    internal Func<IServiceProvider, ITrainingDataSource<TIn>>? DataSourceFactory { get; private set; }

    internal RetrainEvaluator? Evaluator { get; private set; }

    internal RetrainDecision Decision { get; private set; } = RetrainDecision.Promote;

    internal double Margin { get; private set; }

    internal string ChampionAlias { get; private set; } = "champion";

    internal string ChallengerAlias { get; private set; } = "challenger";

    /// <summary>Retrains when the drift monitor flags dataset drift in a closed window.</summary>
    /// <returns>This builder.</returns>
    public RetrainPolicyBuilder<TIn> OnDatasetDrift()
    {
        OnDrift = true;
        return this;
    }

    /// <summary>Retrains when a "higher is better" quality metric stays below a threshold.</summary>
    /// <param name="metric">A metric name of the quality monitor, such as <c>r2</c>, <c>accuracy</c>, <c>f1</c>.</param>
    /// <param name="threshold">The threshold.</param>
    /// <param name="consecutiveWindows">How many closed quality windows in a row must be below it.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The metric is empty, the threshold not finite, or the window count below 1.</exception>
    public RetrainPolicyBuilder<TIn> OnMetricBelow(string metric, double threshold, int consecutiveWindows = 1) =>
        AddQualityRule(metric, threshold, below: true, consecutiveWindows);

    /// <summary>Retrains when a "lower is better" quality metric (<c>rmse</c>, <c>mae</c>, <c>log_loss</c>) stays above a threshold.</summary>
    /// <param name="metric">A metric name of the quality monitor.</param>
    /// <param name="threshold">The threshold.</param>
    /// <param name="consecutiveWindows">How many closed quality windows in a row must be above it.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The metric is empty, the threshold not finite, or the window count below 1.</exception>
    public RetrainPolicyBuilder<TIn> OnMetricAbove(string metric, double threshold, int consecutiveWindows = 1) =>
        AddQualityRule(metric, threshold, below: false, consecutiveWindows);

    /// <summary>Retrains every <paramref name="interval"/> (counted from the last retrain, persisted across restarts).</summary>
    /// <param name="interval">At least one minute.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is shorter than one minute.</exception>
    public RetrainPolicyBuilder<TIn> OnSchedule(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMinutes(1));
        ScheduleInterval = interval;
        ScheduleCron = null;
        return this;
    }

    /// <summary>Retrains on a cron schedule (five fields, UTC), for example <c>0 3 * * 1</c> for Mondays at 03:00 UTC.</summary>
    /// <param name="cronExpression">The cron expression.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="cronExpression"/> is not a valid five-field cron expression.</exception>
    public RetrainPolicyBuilder<TIn> OnSchedule(string cronExpression)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cronExpression);
        try
        {
            ScheduleCron = Cronos.CronExpression.Parse(cronExpression);
        }
        catch (Cronos.CronFormatException e)
        {
            throw new ArgumentException($"'{cronExpression}' is not a valid cron expression: {e.Message}", nameof(cronExpression), e);
        }

        ScheduleInterval = null;
        return this;
    }

    /// <summary>Retrains when at least <paramref name="rows"/> new labelled predictions arrived since the last retrain.</summary>
    /// <param name="rows">The number of rows, at least 1.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is below 1.</exception>
    public RetrainPolicyBuilder<TIn> OnNewLabelledRows(long rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        LabelledRowsThreshold = rows;
        return this;
    }

    /// <summary>Ignores triggers (except manual requests) for this long after a retrain started.</summary>
    /// <param name="cooldown">Zero or more.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cooldown"/> is negative.</exception>
    public RetrainPolicyBuilder<TIn> Cooldown(TimeSpan cooldown)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cooldown, TimeSpan.Zero);
        CooldownValue = cooldown;
        return this;
    }

    /// <summary>Sets how often a failed attempt is retried, with exponential backoff.</summary>
    /// <param name="maxAttempts">Attempts per trigger, at least 1.</param>
    /// <param name="backoff">The delay before the second attempt, from 0 to 1 day; doubled before each further one.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public RetrainPolicyBuilder<TIn> Retries(int maxAttempts, TimeSpan backoff)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(backoff, TimeSpan.FromDays(1));   // Polly's retry delay range
        MaxAttempts = maxAttempts;
        RetryBackoff = backoff;
        return this;
    }

    /// <summary>Fails an attempt whose training step runs longer than <paramref name="timeout"/>.</summary>
    /// <param name="timeout">Positive.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public RetrainPolicyBuilder<TIn> TrainingTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        TrainingTimeoutValue = timeout;
        return this;
    }

    /// <summary>Trains with an application service (resolved from DI, or created with its constructor dependencies).</summary>
    /// <typeparam name="TTrainer">The trainer type.</typeparam>
    /// <returns>This builder.</returns>
    public RetrainPolicyBuilder<TIn> TrainWith<TTrainer>()
        where TTrainer : class, IModelTrainer<TIn>
    {
        TrainerFactory = ActivatorUtilities.GetServiceOrCreateInstance<TTrainer>;
        ArtifactTrainerFactory = null;
        return this;
    }

    /// <summary>
    /// Trains with an application service that produces a model artifact in a format other than ML.NET, such as an ONNX
    /// graph (resolved from DI, or created with its constructor dependencies); see <see cref="IModelArtifactTrainer{TIn}"/>.
    /// </summary>
    /// <typeparam name="TTrainer">The trainer type.</typeparam>
    /// <returns>This builder.</returns>
    public RetrainPolicyBuilder<TIn> TrainArtifactWith<TTrainer>()
        where TTrainer : class, IModelArtifactTrainer<TIn>
    {
        ArtifactTrainerFactory = ActivatorUtilities.GetServiceOrCreateInstance<TTrainer>;
        TrainerFactory = null;
        return this;
    }

    /// <summary>Trains by fitting the ML.NET pipeline <paramref name="pipeline"/> builds.</summary>
    /// <param name="pipeline">Builds the (unfitted) pipeline from the seeded ML.NET context; called per retrain.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public RetrainPolicyBuilder<TIn> TrainWith(Func<MLContext, IEstimator<ITransformer>> pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        TrainerFactory = _ => new PipelineTrainer<TIn>(pipeline);
        ArtifactTrainerFactory = null;
        return this;
    }

    /// <summary>Loads the training rows from an application service (resolved from DI, or created).</summary>
    /// <typeparam name="TSource">The data source type.</typeparam>
    /// <returns>This builder.</returns>
    public RetrainPolicyBuilder<TIn> TrainOn<TSource>()
        where TSource : class, ITrainingDataSource<TIn>
    {
        DataSourceFactory = ActivatorUtilities.GetServiceOrCreateInstance<TSource>;
        return this;
    }

    /// <summary>Loads the training rows from the data source <paramref name="factory"/> creates.</summary>
    /// <param name="factory">Creates the data source from the application's services; called once.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is <see langword="null"/>.</exception>
    public RetrainPolicyBuilder<TIn> TrainOn(Func<IServiceProvider, ITrainingDataSource<TIn>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        DataSourceFactory = factory;
        return this;
    }

    /// <summary>Sets the hold-out split both candidate and champion are evaluated on.</summary>
    /// <param name="fraction">The share of rows held out, in (0, 0.9].</param>
    /// <param name="seed">The split's (and the ML.NET context's) seed.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is out of range.</exception>
    public RetrainPolicyBuilder<TIn> HoldOut(double fraction = DefaultHoldOutFraction, int seed = 42)
    {
        if (!(fraction > 0 && fraction <= 0.9))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The hold-out fraction must be in (0, 0.9].");
        }

        HoldOutFraction = fraction;
        Seed = seed;
        return this;
    }

    /// <summary>
    /// Computes ML.NET's permutation feature importance of each retrained candidate on the hold-out (seeded by
    /// <see cref="HoldOut"/>'s seed) and stores it with the version (<see cref="RegisteredModelVersion.FeatureImportance"/>).
    /// A candidate ML.NET cannot explain registers without it (logged, event 527).
    /// </summary>
    /// <param name="permutationCount">How many times each feature is shuffled, 1 to <see cref="FeatureImportanceOptions.MaxPermutationCount"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="permutationCount"/> is out of range.</exception>
    public RetrainPolicyBuilder<TIn> WithFeatureImportance(int permutationCount = FeatureImportanceOptions.DefaultPermutationCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permutationCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permutationCount, FeatureImportanceOptions.MaxPermutationCount);
        FeatureImportancePermutations = permutationCount;
        return this;
    }

    /// <summary>Evaluates as a regression model; decides on <paramref name="metric"/> (<c>r2</c>, <c>rmse</c>, <c>mae</c>, <c>mse</c>).</summary>
    /// <param name="metric">The deciding metric.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <param name="scoreColumn">The score column.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is not a regression metric.</exception>
    public RetrainPolicyBuilder<TIn> EvaluateRegression(string metric = "r2", string labelColumn = "Label", string scoreColumn = "Score")
    {
        Evaluator = RetrainEvaluator.Regression(metric, labelColumn, scoreColumn);
        return this;
    }

    /// <summary>Evaluates as a binary classifier; decides on <paramref name="metric"/> (<c>roc_auc</c>, <c>accuracy</c>, <c>f1</c>, <c>precision</c>, <c>recall</c>, <c>log_loss</c>).</summary>
    /// <param name="metric">The deciding metric.</param>
    /// <param name="labelColumn">The label column.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is not a binary metric.</exception>
    public RetrainPolicyBuilder<TIn> EvaluateBinary(string metric = "roc_auc", string labelColumn = "Label")
    {
        Evaluator = RetrainEvaluator.Binary(metric, labelColumn);
        return this;
    }

    /// <summary>Evaluates as a multiclass classifier; decides on <paramref name="metric"/> (<c>micro_accuracy</c>, <c>macro_accuracy</c>, <c>log_loss</c>; <c>accuracy</c> is an alias of <c>micro_accuracy</c>).</summary>
    /// <param name="metric">The deciding metric.</param>
    /// <param name="labelColumn">The label column (a key column, as ML.NET's multiclass trainers need).</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="metric"/> is not a multiclass metric.</exception>
    public RetrainPolicyBuilder<TIn> EvaluateMulticlass(string metric = "micro_accuracy", string labelColumn = "Label")
    {
        Evaluator = RetrainEvaluator.Multiclass(metric, labelColumn);
        return this;
    }

    /// <summary>
    /// Promotes a candidate to <paramref name="alias"/> when it beats the alias's holder by <paramref name="margin"/> on
    /// the deciding metric (the default, with margin 0). A worse candidate is registered, never promoted.
    /// </summary>
    /// <param name="margin">How much better the candidate must be (in the metric's units), zero or more.</param>
    /// <param name="alias">The alias to move.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The margin is negative or not finite, or the alias is invalid.</exception>
    public RetrainPolicyBuilder<TIn> PromoteWhenBetter(double margin = 0, string alias = "champion")
    {
        SetMargin(margin);
        ChampionAlias = ModelAlias.Parse(alias).Value;
        Decision = RetrainDecision.Promote;
        return this;
    }

    /// <summary>Gives a better candidate the <paramref name="alias"/> alias instead of promoting it.</summary>
    /// <param name="margin">How much better than the champion the candidate must be.</param>
    /// <param name="alias">The challenger alias.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The margin is negative or not finite, or the alias is invalid.</exception>
    public RetrainPolicyBuilder<TIn> SetChallengerWhenBetter(double margin = 0, string alias = "challenger")
    {
        SetMargin(margin);
        ChallengerAlias = ModelAlias.Parse(alias).Value;
        Decision = RetrainDecision.Challenger;
        return this;
    }

    /// <summary>Requests an approval to promote a better candidate, instead of promoting it.</summary>
    /// <param name="margin">How much better than the champion the candidate must be.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException">The margin is negative or not finite.</exception>
    public RetrainPolicyBuilder<TIn> RequireApprovalWhenBetter(double margin = 0)
    {
        SetMargin(margin);
        Decision = RetrainDecision.RequireApproval;
        return this;
    }

    /// <summary>
    /// Starts a rollout of a candidate that beats the champion by <paramref name="margin"/>, instead of promoting it: the
    /// candidate meets live traffic (for example <c>r =&gt; r.Canary(10, 50)</c>) and the rollout analysis
    /// (<c>AddRolloutAnalysis</c>) promotes it or rolls it back. A retrain while another rollout of the model is active
    /// fails (the registry refuses a second rollout) and is retried like any failed attempt.
    /// </summary>
    /// <param name="configure">Chooses the strategy, steps and analysis settings.</param>
    /// <param name="margin">How much better than the champion the candidate must be, zero or more.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="margin"/> is negative or not finite.</exception>
    public RetrainPolicyBuilder<TIn> StartRolloutWhenBetter(Action<RetrainRolloutBuilder> configure, double margin = 0)
    {
        ArgumentNullException.ThrowIfNull(configure);
        SetMargin(margin);
        var rollout = new RetrainRolloutBuilder();
        configure(rollout);
        Rollout = rollout;
        ChampionAlias = rollout.AliasValue.Value;
        Decision = RetrainDecision.StartRollout;
        return this;
    }

    internal RetrainRolloutBuilder? Rollout { get; private set; }

    internal void Validate()
    {
        var errors = new List<string>();
        if (TrainerFactory is null && ArtifactTrainerFactory is null)
        {
            errors.Add("no training step: call TrainWith(...) or TrainArtifactWith<TTrainer>()");
        }

        if (DataSourceFactory is null)
        {
            errors.Add("no training data: call TrainOn(...)");
        }

        if (Evaluator is null)
        {
            errors.Add("no evaluation: call EvaluateRegression(), EvaluateBinary() or EvaluateMulticlass()");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"The retrain policy of model '{ModelName}' is incomplete: {string.Join("; ", errors)}.");
        }
    }

    private RetrainPolicyBuilder<TIn> AddQualityRule(string metric, double threshold, bool below, int consecutiveWindows)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(metric);
        if (!double.IsFinite(threshold))
        {
            throw new ArgumentException("The threshold must be a finite number.", nameof(threshold));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(consecutiveWindows, 1);
        _qualityRules.Add(new QualityRule(metric, threshold, below, consecutiveWindows));
        return this;
    }

    private void SetMargin(double margin)
    {
        if (!double.IsFinite(margin) || margin < 0)
        {
            throw new ArgumentException("The margin must be a finite number, zero or more.", nameof(margin));
        }

        Margin = margin;
    }
}
