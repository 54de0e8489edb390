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
/// pending re-ranks back, before any of its input is processed. An incremental restore keeps the partition's stored
/// users (exactly the changelog's prefix), replaces those the tail names, and rebuilds the derived indexes from all
/// of them, so it ends with the users a full restore gives.
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

            var users = new List<(int User, byte[]? State, long? Due)>(latest.Count);
            foreach (var (id, value) in latest.OrderBy(static e => e.Key))
            {
                if (value is null)
                {
                    users.Add((id, null, null));
                    continue;
                }

                var due = PortableUserStateCodec.Decode(value, user, ids);
                users.Add((id, local.AsSpan(0, UserStateCodec.Encode(user, local)).ToArray(), due));
            }

            restores.Add(new RestoredPartition(restore.Partition, restore.EndOffset, restore.Records.Count, users, restore.Incremental, ids.Users.Count));
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
            if (restore.Incremental)
            {
                ApplyTail(partition, restore);
                checkpoints.ChangelogAt(restore.Partition, restore.EndOffset);
                continue;
            }

            Drop(partition);
            foreach (var (user, stored, due) in restore.Users)
            {
                if (stored is null)
                {
                    continue;
                }

                _scratch.Clear();
                UserStateCodec.Decode(stored, _scratch);
                partition.Users.PutRestored(user, _scratch);
                Index(partition, user, _scratch);

                if (due is { } at)
                {
                    partition.Reranks.Mark(user, at);
                }
            }

            checkpoints.ChangelogAt(restore.Partition, restore.EndOffset);
        }
    }

    /// <summary>
    /// The tail's users replace the stored ones. Pending re-ranks of users the tail does not name stay as the local
    /// checkpoint left them (at least as recent as their changelog records); the others take their records' due times.
    /// </summary>
    private void ApplyTail(PartitionState partition, RestoredPartition restore)
    {
        // Only at start-up, before any input: open working copies are the checkpoint's, which the changelog holds.
        partition.Users.WriteBack();
        partition.Users.Changed?.Clear();
        partition.Holders.Clear();
        partition.Favourites.Clear();
        partition.Promotions.Clear();
        foreach (var (user, stored, due) in restore.Users)
        {
            partition.Reranks.Cancel(user);
            if (stored is null)
            {
                partition.Users.DeleteRestored(user);
                continue;
            }

            _scratch.Clear();
            UserStateCodec.Decode(stored, _scratch);
            partition.Users.PutRestored(user, _scratch);
            if (due is { } at)
            {
                partition.Reranks.Mark(user, at);
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
