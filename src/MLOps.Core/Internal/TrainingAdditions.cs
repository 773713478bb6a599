namespace MLOps.Internal;

/// <summary>What <see cref="TrainingJob.BeforeRegister"/> adds to the registration.</summary>
/// <param name="Tags">Tags for the run and the version, or <see langword="null"/>.</param>
/// <param name="ParentVersion">The parent version, or <see langword="null"/> to keep the job's.</param>
internal sealed record TrainingAdditions(IReadOnlyDictionary<string, string>? Tags, ModelVersion? ParentVersion);
