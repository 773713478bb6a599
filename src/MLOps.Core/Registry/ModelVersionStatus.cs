namespace MLOps;

/// <summary>The lifecycle state of a registered model version.</summary>
public enum ModelVersionStatus
{
    /// <summary>The version number is allocated and its artifacts are being stored; it cannot be served or promoted yet.</summary>
    Pending = 0,

    /// <summary>The artifacts are stored and verified; the version can be served and promoted.</summary>
    Ready = 1,

    /// <summary>Storing the artifacts failed; the version keeps its number (numbers are never reused) but cannot be served.</summary>
    Failed = 2,
}
