namespace MLOps;

/// <summary>A promotion was refused because one or more <see cref="PromotionGate"/>s failed; the alias did not move.</summary>
public sealed class PromotionRejectedException : ModelRegistryException
{
    /// <summary>Initializes a new instance.</summary>
    public PromotionRejectedException()
        : base(RegistryErrorCode.PromotionRejected, "The promotion was rejected.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public PromotionRejectedException(string message)
        : base(RegistryErrorCode.PromotionRejected, message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PromotionRejectedException(string message, Exception? innerException)
        : base(RegistryErrorCode.PromotionRejected, message, innerException)
    {
    }

    /// <summary>Initializes a new instance listing the failed gates.</summary>
    /// <param name="reference">The model and version that was to be promoted.</param>
    /// <param name="alias">The alias.</param>
    /// <param name="failures">Why each failed gate failed.</param>
    public PromotionRejectedException(ModelReference reference, ModelAlias alias, IReadOnlyList<string> failures)
        : base(
            RegistryErrorCode.PromotionRejected,
            $"Promoting {reference} to '{alias}' was rejected by {failures?.Count ?? 0} gate(s): " + string.Join("; ", failures ?? []))
    {
        Failures = failures ?? [];
    }

    /// <summary>Gets why each failed gate failed.</summary>
    public IReadOnlyList<string> Failures { get; } = [];
}
