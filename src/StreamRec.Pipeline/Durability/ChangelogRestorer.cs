using System.Text;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Durability;

/// <summary>
/// Applies a rebalance to the state. <see cref="Decode"/> runs on the decoding stage's thread, the one that interns
/// ids: it names the restored users and converts their portable records to the local layout. <see cref="Apply"/>
/// runs on the core's thread between batches: a dropped or restored partition loses its users, working copies and
/// derived indexes, then a restored one gets the changelog's users, their holder and favourite entries and their
/// pending re-ranks and promotions back, before any of its input is processed. An incremental restore keeps the
/// partition's stored users (exactly the changelog's prefix), replaces those the tail names, and rebuilds the derived
/// indexes from all of them, so it ends with the users a full restore gives. A superseded tail
/// (<see cref="SupersededTail"/>) changes no state: its users are only marked changed.
/// </summary>
internal sealed class ChangelogRestorer(PipelineOptions options, PipelineState state)
{
    private readonly UserState _scratch = new(options.VectorDimensions, options.MaxAffinities, options.TopK + options.RankedRunnersUp);

    public static DecodedHandover Decode(PartitionHandover handover, PipelineOptions options, IdTables ids)
    {
        var user = new UserState(options.VectorDimensions, options.MaxAffinities, options.TopK + options.RankedRunnersUp);
        var local = new byte[UserStateCodec.MaxSize(options.VectorDimensions, options.MaxAffinities, options.TopK + options.RankedRunnersUp)];
        var restores = new List<RestoredPartition>(handover.Restores.Count);
        foreach (var restore in handover.Restores)
        {
            // A key's last record is its state; earlier ones were replaced (what compaction does on the broker).
            var latest = new Dictionary<int, byte[]?>();
            foreach (var (key, value) in restore.Records)
            {
                latest[ids.Users.Intern(Encoding.UTF8.GetString(key))] = value;
            }

            var users = new List<(int User, byte[]? State, PendingWork Pending)>(latest.Count);
            foreach (var (id, value) in latest.OrderBy(static e => e.Key))
            {
                if (value is null)
                {
                    users.Add((id, null, default));
                    continue;
                }

                var pending = PortableUserStateCodec.Decode(value, user, ids);
                users.Add((id, local.AsSpan(0, UserStateCodec.Encode(user, local)).ToArray(), pending));
            }

            var floors = restore.SeqFloors.Select(f => (ids.Users.Intern(f.Key), f.Value)).ToList();
            restores.Add(new RestoredPartition(restore.Partition, restore.EndOffset, restore.Records.Count, users, restore.Incremental, ids.Users.Count)
            {
                SeqFloors = floors,
                FenceOrigin = restore.FenceOrigin,
                ResumeAt = restore.ResumeAt?.Select(p => (ids.Sources.Intern(p.Key), p.Value)).ToList(),
            });
        }

        var superseded = handover.Superseded.Select(t => (t.Partition, t.Keys.Select(k => ids.Users.Intern(Encoding.UTF8.GetString(k))).ToArray())).ToList();
        return new DecodedHandover(handover.Dropped, restores, superseded);
    }

    public void Apply(DecodedHandover handover, StateCheckpointer checkpoints)
    {
        foreach (var partition in handover.Dropped)
        {
            var dropped = state.Partitions[partition];
            Drop(dropped);

            // Held since the revocation, never published: the next owner counts these events (see RoomAggregateMerge).
            if (state.Exchange.Publishes)
            {
                dropped.ClearOpenTick();
            }

            dropped.PendingAdoption = null;
            checkpoints.ChangelogAt(partition, -1);
        }

        foreach (var restore in handover.Restores)
        {
            var partition = state.Partitions[restore.Partition];
            if (restore.Incremental)
            {
                ApplyTail(partition, restore);
                checkpoints.ChangelogAt(restore.Partition, restore.EndOffset);
                continue;
            }

            Drop(partition);
            var floors = partition.Users.Floors;
            floors.Set(restore.FenceOrigin, restore.SeqFloors, restore.Users.Where(static u => u.State is not null).Select(static u => u.User).ToHashSet().Contains);
            foreach (var (user, stored, pending) in restore.Users)
            {
                if (stored is null)
                {
                    continue;
                }

                _scratch.Clear();
                UserStateCodec.Decode(stored, _scratch);
                if (floors.FloorOf(user) > _scratch.Seq)
                {
                    // The previous owner sent later seqs than its last checkpoint holds: continue after them.
                    _scratch.Seq = floors.FloorOf(user);
                    partition.Users.MarkChanged(user);
                }

                partition.Users.PutRestored(user, _scratch);
                Index(partition, user, _scratch);

                if (pending.RerankDue is { } at)
                {
                    partition.Reranks.Mark(user, at);
                }

                // A room_stop met by the old owner in the open tick: its promotion runs when this owner closes the tick.
                if (pending.Promotion)
                {
                    partition.Promotions.Add(user);
                }
            }

            checkpoints.ChangelogAt(restore.Partition, restore.EndOffset);
        }

        foreach (var restore in handover.Restores)
        {
            var restored = state.Partitions[restore.Partition];
            restored.PendingAdoption = restore.ResumeAt;
            if (state.Exchange.Publishes)
            {
                // The input resumes at the restored positions, so what an older local tick counted is counted again from
                // there, or through the adopted provisional record, or was published by the owner since.
                restored.ClearOpenTick();
            }
        }

        foreach (var (index, users) in handover.Superseded)
        {
            // Absent users are written as tombstones: the kept cut does not hold them yet.
            var partition = state.Partitions[index];
            foreach (var user in users)
            {
                partition.Users.MarkChanged(user);
            }
        }
    }

    /// <summary>
    /// The tail's users replace the stored ones. Pending re-ranks and promotions of users the tail does not name stay
    /// as the local checkpoint left them (written with their changelog records, so a full restore gives the same); the
    /// others take their records' pending work. The seq fence then applies to every user of the partition.
    /// </summary>
    private void ApplyTail(PartitionState partition, RestoredPartition restore)
    {
        // Only at start-up, before any input: open working copies are the checkpoint's, which the changelog holds.
        partition.Users.WriteBack();
        partition.Users.Changed?.Clear();
        partition.Holders.Clear();
        partition.Favourites.Clear();
        foreach (var (user, stored, pending) in restore.Users)
        {
            partition.Reranks.Cancel(user);
            partition.Promotions.Remove(user);
            if (stored is null)
            {
                partition.Users.DeleteRestored(user);
                continue;
            }

            _scratch.Clear();
            UserStateCodec.Decode(stored, _scratch);
            partition.Users.PutRestored(user, _scratch);
            if (pending.RerankDue is { } at)
            {
                partition.Reranks.Mark(user, at);
            }

            if (pending.Promotion)
            {
                partition.Promotions.Add(user);
            }
        }

        var floors = partition.Users.Floors;
        floors.Set(restore.FenceOrigin, restore.SeqFloors, user => state.PartitionMap.Of(user) == partition.Index && partition.Users.Peek(user) is not null);
        foreach (var (user, floor) in restore.SeqFloors)
        {
            if (state.PartitionMap.Of(user) == partition.Index && partition.Users.Peek(user) is { } fenced && floor > fenced.Seq)
            {
                // Another owner sent later seqs than the changelog holds: continue after them.
                fenced.Seq = floor; // Peek's scratch copy, stored at once
                partition.Users.PutRestored(user, fenced);
                partition.Users.MarkChanged(user);
            }
        }

        // Every user of the partition, in id order, as a full restore adds them.
        for (var user = 0; user < restore.KnownUsers; user++)
        {
            if (state.PartitionMap.Of(user) == partition.Index && partition.Users.Peek(user) is { } current)
            {
                Index(partition, user, current);
            }
        }
    }

    private void Index(PartitionState partition, int user, UserState current)
    {
        foreach (var room in current.Ranked[..Math.Min(options.TopK, current.RankedCount)])
        {
            partition.Holders.Add(room.Room, user);
        }

        foreach (var affinity in current.Affinities)
        {
            partition.Favourites.Offer(affinity.Streamer, user, affinity.Engagement);
        }
    }

    private static void Drop(PartitionState partition)
    {
        partition.Users.DropAll();
        partition.Holders.Clear();
        partition.Favourites.Clear();
        partition.Reranks.Clear();
        partition.Promotions.Clear();
    }
}
