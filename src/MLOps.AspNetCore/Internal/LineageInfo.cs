namespace MLOps.AspNetCore.Internal;

/// <summary>A version's lineage.</summary>
/// <param name="RunId">The training run.</param>
/// <param name="DatasetName">The training dataset's name.</param>
/// <param name="DatasetDigest">The training dataset's digest.</param>
/// <param name="DatasetRowCount">The training dataset's row count.</param>
/// <param name="ParentVersion">The version it was derived from or replaces.</param>
/// <param name="CodeVersion">The code version that trained it.</param>
/// <param name="Trigger">What triggered the training.</param>
/// <param name="Reason">Why.</param>
internal sealed record LineageInfo(
    string? RunId, string? DatasetName, string? DatasetDigest, long? DatasetRowCount, int? ParentVersion, string? CodeVersion, string? Trigger, string? Reason);
