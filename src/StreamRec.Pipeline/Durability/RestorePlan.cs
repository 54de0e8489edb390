namespace StreamRec.Pipeline.Durability;

/// <summary>
/// How an assigned partition's state is brought up to its changelog, decided from what the local store accounts
/// for and the changelog partition's log start and end, as Kafka Streams decides from its checkpoint file.
/// </summary>
/// <param name="Kind">Keep, read the tail only, or read it all.</param>
/// <param name="From">The first changelog offset to read (0 for a full restore).</param>
/// <param name="Reason">Why a local state was not used, for the log; null when it was, or when there was none.</param>
public readonly record struct RestorePlan(RestoreKind Kind, long From, string? Reason)
{
    /// <param name="stored">The changelog end offset the local store accounts for, or -1 when it holds none of the partition.</param>
    /// <param name="prefix">True when the store is exactly the changelog up to <paramref name="stored"/>, no change of its own beyond.</param>
    /// <param name="logStart">The changelog partition's first offset (retention or compaction may have moved it).</param>
    /// <param name="end">The changelog partition's end offset.</param>
    public static RestorePlan Choose(long stored, bool prefix, long logStart, long end)
    {
        if (stored == end)
        {
            return new(RestoreKind.Keep, end, null);
        }

        if (stored < 0)
        {
            return new(RestoreKind.Full, 0, null);
        }

        // A changelog shorter than what the store accounts for is not the one it was built from (recreated, or truncated).
        if (stored > end)
        {
            return new(RestoreKind.Full, 0, $"the changelog ends at {end}, before the stored offset {stored}: it was recreated or truncated");
        }

        if (!prefix)
        {
            return new(RestoreKind.Full, 0, $"the local store holds changes the changelog does not have beyond offset {stored}");
        }

        // Records between the log start and the stored offset may be gone; records after it must not be.
        if (logStart > stored)
        {
            return new(RestoreKind.Full, 0, $"the changelog starts at {logStart}, past the stored offset {stored}: records after it were deleted");
        }

        return new(RestoreKind.Tail, stored, null);
    }
}
