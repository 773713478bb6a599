namespace MLOps;

/// <summary>How much one feature pushed one prediction up (positive) or down (negative), in the model's own score units.</summary>
/// <param name="Feature">The feature (a slot of the model's feature vector, named after its input column).</param>
/// <param name="Contribution">Its contribution to the score of this prediction.</param>
public sealed record FeatureContribution(string Feature, double Contribution);
