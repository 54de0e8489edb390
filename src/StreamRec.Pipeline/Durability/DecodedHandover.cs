namespace StreamRec.Pipeline.Durability;

/// <summary>
/// A <see cref="PartitionHandover"/> with its names interned, on its way from the decoding stage to the core;
/// <paramref name="Superseded"/>: per partition, the users of a <see cref="SupersededTail"/>.
/// </summary>
internal sealed record DecodedHandover(IReadOnlyList<int> Dropped, IReadOnlyList<RestoredPartition> Restores, IReadOnlyList<(int Partition, int[] Users)> Superseded);
