using Microsoft.ML;
using MLOps.Internal;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>
/// The retrain policy's evaluation: the shared <see cref="TrainingEvaluation"/> (the same metric names as
/// <c>ModelTrainingRunner</c>), plus the metric that decides between candidate and champion.
/// </summary>
internal sealed class RetrainEvaluator
{
    private readonly TrainingEvaluationTask _task;

    private RetrainEvaluator(TrainingEvaluationTask task, string metric, string labelColumn, string scoreColumn)
    {
        _task = task;
        Task = task.ToString().ToLowerInvariant();
        Metric = TrainingEvaluation.Canonical(task, metric) ?? throw new ArgumentException(
            $"'{metric}' is not a {Task} metric; use one of: {string.Join(", ", TrainingEvaluation.Names(task))}.", nameof(metric));
        LabelColumn = labelColumn;
        ScoreColumn = scoreColumn;
    }

    public string Task { get; }

    /// <summary>Gets the evaluation task of the shared training pipeline.</summary>
    public TrainingEvaluationTask EvaluationTask => _task;

    /// <summary>Gets the metric that decides between candidate and champion (its name in the table; an alias is resolved).</summary>
    public string Metric { get; }

    public bool HigherIsBetter => !TrainingEvaluation.LowerIsBetter(Metric);

    public string LabelColumn { get; }

    public string ScoreColumn { get; }

    public static RetrainEvaluator Regression(string metric, string labelColumn, string scoreColumn) =>
        new(TrainingEvaluationTask.Regression, metric, labelColumn, scoreColumn);

    public static RetrainEvaluator Binary(string metric, string labelColumn) =>
        new(TrainingEvaluationTask.Binary, metric, labelColumn, "Score");

    public static RetrainEvaluator Multiclass(string metric, string labelColumn) =>
        new(TrainingEvaluationTask.Multiclass, metric, labelColumn, "Score");

    /// <summary>Whether <paramref name="candidate"/> beats <paramref name="champion"/> by at least <paramref name="margin"/>.</summary>
    public bool Beats(double candidate, double champion, double margin) =>
        !double.IsNaN(candidate) && (double.IsNaN(champion) ||
            (HigherIsBetter ? candidate >= champion + margin : candidate <= champion - margin));

    public Dictionary<string, double> Evaluate(MLContext ml, ITransformer model, IDataView holdOut) =>
        TrainingEvaluation.Evaluate(ml, _task, model.Transform(holdOut), LabelColumn, ScoreColumn);
}
