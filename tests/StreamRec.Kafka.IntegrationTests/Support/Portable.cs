using System.Buffers;
using System.Text;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>Reads changelog records (<see cref="PortableUserStateCodec"/>) and an instance's store in that layout, to compare them.</summary>
internal static class Portable
{
    public static long Seq(byte[] record) => Decode(record, new IdTables()).User.Seq;

    /// <summary>
    /// Every user of a state directory, written in the portable layout (the instance's numbers named): the stored ones and
    /// the working copies its checkpoint holds open (a checkpoint between two batches of a tick holds users first seen in
    /// that tick only there, and the changelog has them already).
    /// </summary>
    public static Dictionary<string, byte[]> Users(IStateDirectory directory, PipelineOptions options)
    {
        var state = PipelineState.Open(options, directory, TimeProvider.System, resumesAfterStop: true);
        var users = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var id = 0; id < state.Ids.Users.Count; id++)
        {
            var partition = state.Partitions[state.PartitionMap.Of(id)];
            if (partition.Users.Peek(id) is not { } user)
            {
                continue;
            }

            var buffer = new ArrayBufferWriter<byte>();
            PortableUserStateCodec.Encode(user, state.Ids, new PendingWork(partition.Reranks.TryGetDue(id, out var due) ? due : null, partition.Promotions.Contains(id)), buffer);
            users.Add(state.Ids.Users.NameOf(id), buffer.WrittenSpan.ToArray());
        }

        return users;
    }

    /// <summary>
    /// Two records hold the same state: every field equal, the vector within float rounding, and activity, engagements
    /// and scores equal once rounded to Half, the precision of the local store's layout (a changelog record written from
    /// a working copy carries them at float precision, the store that restores it keeps Half); the pending re-rank's due
    /// time too unless <paramref name="ignoreDue"/>.
    /// </summary>
    public static bool Same(byte[] x, byte[] y, bool ignoreDue = false)
    {
        var ids = new IdTables();
        var (a, dueA) = Decode(x, ids);
        var (b, dueB) = Decode(y, ids);
        var scale = Math.Max(a.Interest.Max(Math.Abs), 1e-3f);
        var shortScale = Math.Max(a.ShortInterest.Max(Math.Abs), 1e-3f);
        return (ignoreDue || dueA == dueB) && a.InterestTs == b.InterestTs && a.RankedAt == b.RankedAt && a.Seq == b.Seq
            && AsStored(a.Activity) == AsStored(b.Activity)
            && a.Interest.Zip(b.Interest).All(p => Math.Abs(p.First - p.Second) <= scale * 1e-5f)
            && a.ShortInterest.Zip(b.ShortInterest).All(p => Math.Abs(p.First - p.Second) <= shortScale * 2e-3f)
            && a.Affinities.ToArray().Select(f => (f.Streamer, AsStored(f.Engagement))).SequenceEqual(b.Affinities.ToArray().Select(f => (f.Streamer, AsStored(f.Engagement))))
            && a.Ranked.ToArray().Select(r => (r.Room, (Half)r.Score)).SequenceEqual(b.Ranked.ToArray().Select(r => (r.Room, (Half)r.Score)));
    }

    private static (Half Value, long Ts) AsStored(StreamRec.Pipeline.Numerics.DecayedValue value) => ((Half)value.Value, value.Ts);

    /// <summary>The decoded fields, for a failure message.</summary>
    public static string Describe(byte[] record)
    {
        var ids = new IdTables();
        var (u, due) = Decode(record, ids);
        return $"ts {u.InterestTs} activity {u.Activity} rankedAt {u.RankedAt} seq {u.Seq} due {due} interest [{string.Join(",", u.Interest.Take(4))}...] "
            + $"affinities [{string.Join(",", u.Affinities.ToArray().Select(a => $"{ids.Streamers.NameOf(a.Streamer)}:{a.Engagement}"))}] "
            + $"ranked [{string.Join(",", u.Ranked.ToArray().Select(r => $"{ids.Rooms.NameOf(r.Room)}:{r.Score}"))}]";
    }

    private static (UserState User, long? Due) Decode(byte[] record, IdTables ids)
    {
        // Byte 1 is the dimension count (a one-byte varint for any size used here); the bounds are the largest allowed.
        var user = new UserState(record[1], 64, 256);
        return (user, PortableUserStateCodec.Decode(record, user, ids).RerankDue);
    }
}
