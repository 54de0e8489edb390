namespace StreamRec.Pipeline.Durability;

/// <summary>
/// A changelog tail that this state directory wrote after its last local commit (killed between a checkpoint's append
/// and its commit), found at start-up. It is not applied: the local checkpoint holds the users, the rooms and the
/// position of every input as one consistent cut, and processing resumes from that cut, sending the same deltas
/// under the same seqs. The tail's records hold states from ahead of that cut, so the users it names
/// (<paramref name="Keys"/>, in the order found) are written again at the next checkpoint, which leaves the changelog's
/// latest record of every key agreeing with the marker after it.
/// </summary>
/// <param name="Partition">The user partition.</param>
/// <param name="Keys">The user ids the tail's records name.</param>
public sealed record SupersededTail(int Partition, IReadOnlyList<byte[]> Keys);
