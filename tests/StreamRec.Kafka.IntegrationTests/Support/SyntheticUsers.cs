using System.Buffers;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.State;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>Seeded user states in the changelog's portable layout, to fill a changelog without replaying a world.</summary>
internal sealed class SyntheticUsers(PipelineOptions pipeline, int seed)
{
    private readonly IdTables _ids = new();
    private readonly Random _random = new(seed);
    private readonly UserState _user = new(pipeline.VectorDimensions, pipeline.MaxAffinities, pipeline.TopK + pipeline.RankedRunnersUp);
    private readonly ArrayBufferWriter<byte> _buffer = new(512);

    /// <summary>
    /// One user: a full vector, a full ranked list, and <paramref name="affinities"/> streamers (at most the
    /// configured number; more engagements than that keep the strongest).
    /// </summary>
    public byte[] Next(int affinities)
    {
        var user = _user;
        var random = _random;
        user.Clear();
        user.InterestTs = 1_767_636_000_000 + random.Next(3_600_000);
        user.Activity = new DecayedValue(1 + random.NextDouble() * 20, user.InterestTs);
        for (var i = 0; i < user.Interest.Length; i++)
        {
            user.Interest[i] = (float)(random.NextDouble() - 0.5);
        }

        for (var a = 0; a < 2 * affinities && user.AffinityCount < affinities; a++)
        {
            user.Engage(_ids.Streamers.Intern($"streamer-{random.Next(300):D5}"), user.InterestTs - random.Next(86_400_000), TimeSpan.FromDays(2), 1 + random.Next(5));
        }

        user.SetRanked([.. Enumerable.Range(0, user.RankedCapacity).Select(i => new ScoredRoom(_ids.Rooms.Intern($"room-{random.Next(3_000):D5}"), 5f - i))]);
        user.RankedAt = user.InterestTs;
        user.Seq = 1 + random.Next(500);
        _buffer.ResetWrittenCount();
        PortableUserStateCodec.Encode(user, _ids, default, _buffer);
        return _buffer.WrittenSpan.ToArray();
    }

    /// <summary>A number in [1, max], for callers that draw the affinity count from the same seeded source.</summary>
    public int Draw(int max) => 1 + _random.Next(max);
}
