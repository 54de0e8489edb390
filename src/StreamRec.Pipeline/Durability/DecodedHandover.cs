namespace StreamRec.Pipeline.Durability;

/// <summary>A <see cref="PartitionHandover"/> with its names interned, on its way from the decoding stage to the core.</summary>
internal sealed record DecodedHandover(IReadOnlyList<int> Dropped, IReadOnlyList<RestoredPartition> Restores);
