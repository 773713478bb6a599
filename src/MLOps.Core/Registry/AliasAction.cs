namespace MLOps;

/// <summary>How an alias moved.</summary>
public enum AliasAction
{
    /// <summary>The alias was pointed at a version by a promotion.</summary>
    Promote = 0,

    /// <summary>The alias was moved back to its previous holder.</summary>
    Rollback = 1,

    /// <summary>The alias was removed.</summary>
    Remove = 2,
}
