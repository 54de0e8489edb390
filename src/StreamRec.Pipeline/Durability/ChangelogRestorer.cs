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
/// pending re-ranks and promotions back, before any of its input is processed.
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
            restores.Add(new RestoredPartition(restore.Partition, restore.EndOffset, restore.Records.Count, users) { SeqFloors = floors, FenceOrigin = restore.FenceOrigin });
        }

        return new DecodedHandover(handover.Dropped, restores);
    }

    public void Apply(DecodedHandover handover, StateCheckpointer checkpoints)
    {
        foreach (var partition in handover.Dropped)
        {
            Drop(state.Partitions[partition]);
            checkpoints.ChangelogAt(partition, -1);
        }

        foreach (var restore in handover.Restores)
        {
            var partition = state.Partitions[restore.Partition];
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
                foreach (var room in _scratch.Ranked[..Math.Min(options.TopK, _scratch.RankedCount)])
                {
                    partition.Holders.Add(room.Room, user);
                }

                foreach (var affinity in _scratch.Affinities)
                {
                    partition.Favourites.Offer(affinity.Streamer, user, affinity.Engagement);
                }

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
