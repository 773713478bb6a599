namespace MLOps;

/// <summary>What changed in the registry.</summary>
public enum RegistryChangeKind
{
    /// <summary>Something of the model changed in another process; details unknown (re-read what you need).</summary>
    External = 0,

    /// <summary>A registered model was created.</summary>
    ModelCreated = 1,

    /// <summary>A registered model's description or tags changed.</summary>
    ModelUpdated = 2,

    /// <summary>A version was created or its status, metadata or reference profile changed.</summary>
    VersionChanged = 3,

    /// <summary>An alias moved or was removed.</summary>
    AliasChanged = 4,

    /// <summary>An approval was requested or decided.</summary>
    ApprovalChanged = 5,

    /// <summary>A rollout started, or a decision changed its state or weights.</summary>
    RolloutChanged = 6,
}
