namespace MLOps.Monitoring.Rollouts.Internal;

/// <summary>The variant names the arms of a rollout report (the shared convention of issue 11).</summary>
internal static class Variants
{
    /// <summary>The variant of the primary arm by default (a model's builder may name it otherwise).</summary>
    public const string Primary = "primary";

    /// <summary>The variant of the candidate arm of a canary, blue-green or experiment.</summary>
    public const string Candidate = "candidate";

    /// <summary>The variant of a mirrored (shadow) prediction: never served, never counted as served traffic.</summary>
    public const string Shadow = "shadow";

    public static bool IsShadow(string variant) => string.Equals(variant, Shadow, StringComparison.Ordinal);
}
