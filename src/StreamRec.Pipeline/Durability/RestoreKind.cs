namespace StreamRec.Pipeline.Durability;

/// <summary>What a <see cref="RestorePlan"/> does with a partition's local state.</summary>
public enum RestoreKind
{
    /// <summary>The local state is up to date with the changelog: nothing is read.</summary>
    Keep,

    /// <summary>The local state is a prefix of the changelog: only the records after it are read, and applied on top.</summary>
    Tail,

    /// <summary>The local state is dropped and the changelog read from its start.</summary>
    Full,
}
