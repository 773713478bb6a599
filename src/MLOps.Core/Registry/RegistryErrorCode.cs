namespace MLOps;

/// <summary>Why a registry operation failed; see <see cref="ModelRegistryException.ErrorCode"/>.</summary>
public enum RegistryErrorCode
{
    /// <summary>An unexpected storage failure.</summary>
    Storage = 0,

    /// <summary>The model, version, alias or approval does not exist.</summary>
    NotFound = 1,

    /// <summary>The model already exists.</summary>
    AlreadyExists = 2,

    /// <summary>The state changed concurrently (<see cref="RegistryConflictException"/>).</summary>
    Conflict = 3,

    /// <summary>The operation is not allowed in the current state (for example promoting a pending version).</summary>
    InvalidState = 4,

    /// <summary>A parameter was logged again; parameters are write-once.</summary>
    ParamAlreadyLogged = 5,

    /// <summary>An artifact failed its SHA-256 or length check (<see cref="ArtifactIntegrityException"/>).</summary>
    IntegrityFailure = 6,

    /// <summary>The stored registry has a newer schema (<see cref="UnsupportedRegistrySchemaException"/>).</summary>
    UnsupportedSchema = 7,

    /// <summary>A promotion gate failed (<see cref="PromotionRejectedException"/>).</summary>
    PromotionRejected = 8,

    /// <summary>The registry's lock could not be acquired in time (another process holds it).</summary>
    LockTimeout = 9,

    /// <summary>
    /// A stored record is valid JSON (or a valid row) but wrong: <see langword="null"/>, a required field missing, null or out
    /// of range, or the record of another model or version than the file it is in. The message names the file (or record)
    /// and what is wrong; nothing was changed. Restore the record from a backup or repair it by hand.
    /// </summary>
    CorruptData = 10,
}
