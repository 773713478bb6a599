namespace MLOps;

/// <summary>What a <see cref="PromotionGate"/> sees.</summary>
/// <param name="Alias">The alias being promoted.</param>
/// <param name="Candidate">The version to promote.</param>
/// <param name="CurrentHolder">The version the alias points to now, or <see langword="null"/>.</param>
/// <param name="Approvals">The approval requests for this candidate and alias.</param>
public sealed record PromotionGateContext(
    ModelAlias Alias,
    RegisteredModelVersion Candidate,
    RegisteredModelVersion? CurrentHolder,
    IReadOnlyList<PromotionApproval> Approvals);
