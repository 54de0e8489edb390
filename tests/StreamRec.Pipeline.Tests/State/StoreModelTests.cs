using CsCheck;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.State;

public sealed class StoreModelTests
{
    [Fact]
    public void RoomStore_AnySequenceOfStartsAndStops_LiveSetMatchesASetModel()
    {
        Gen.Select(Gen.Int[0, 20], Gen.Bool).Array[0, 200].Sample(operations =>
        {
            var store = new InMemoryRoomStateStore(4);
            var model = new HashSet<int>();
            foreach (var (room, live) in operations)
            {
                var changed = store.SetLive(room, live);
                var modelChanged = live ? model.Add(room) : model.Remove(room);
                if (changed != modelChanged)
                {
                    return false;
                }
            }

            return store.LiveRooms.Count == model.Count && store.LiveRooms.ToHashSet().SetEquals(model);
        });
    }

    [Fact]
    public void HolderIndex_AnySequenceOfListChanges_CandidatesCoverEveryHolderAndCountsAreExact()
    {
        Gen.Select(Gen.Int[0, 9], Gen.Int[0, 7].Array[0, 4]).Array[0, 150].Sample(changes =>
        {
            var index = new HolderIndex();
            var lists = new Dictionary<int, HashSet<int>>();
            foreach (var (user, rooms) in changes)
            {
                var next = rooms.ToHashSet();
                var previous = lists.GetValueOrDefault(user) ?? [];
                foreach (var room in next.Except(previous))
                {
                    index.Add(room, user);
                    if (index.NeedsCompaction(room))
                    {
                        index.Compact(room, u => lists.GetValueOrDefault(u)?.Contains(room) == true || (u == user && next.Contains(room)));
                    }
                }

                foreach (var room in previous.Except(next))
                {
                    index.Remove(room);
                }

                lists[user] = next;
            }

            return Enumerable.Range(0, 8).All(room =>
            {
                var holders = lists.Where(l => l.Value.Contains(room)).Select(l => l.Key).ToHashSet();
                return index.Holders(room) == holders.Count && holders.IsSubsetOf(index.Candidates(room).ToArray());
            });
        });
    }

    [Fact]
    public void PendingReranks_AnySequenceOfMarks_ReleasesEachUserOnceAtItsEarliestDueTime()
    {
        Gen.Select(Gen.Int[0, 9], Gen.Long[0, 100]).Array[0, 100].Sample(marks =>
        {
            var pending = new PendingReranks();
            var model = new Dictionary<int, long>();
            foreach (var (user, due) in marks)
            {
                pending.Mark(user, due);
                model[user] = Math.Min(model.GetValueOrDefault(user, long.MaxValue), due);
            }

            var released = new List<int>();
            pending.Release(50, all: false, released);
            var early = model.Where(m => m.Value <= 50).Select(m => m.Key).ToHashSet();
            var rest = new List<int>();
            pending.Release(0, all: true, rest);
            return released.Count == early.Count && released.ToHashSet().SetEquals(early)
                && rest.ToHashSet().SetEquals(model.Keys.Except(early)) && rest.Count == model.Count - early.Count
                && released.Select(u => model[u]).SequenceEqual(released.Select(u => model[u]).Order());
        });
    }

    [Fact]
    public void UserStateCodec_AnyState_RoundTripsWithVectorsWithinQuantizationAndHalvesWithinTheirPrecision()
    {
        Sample((user, vector, shortVector) =>
        {
            var decoded = RoundTrip(user, UserStateCodec.Version);

            var scale = vector.Max(Math.Abs) / 127f;
            var shortScale = shortVector.Max(Math.Abs) / 127f;
            return decoded.InterestTs == user.InterestTs && decoded.Seq == user.Seq && decoded.RankedAt == user.RankedAt
                && WithinHalf(decoded.Activity.Value, 3.5)
                && decoded.Interest.Zip(vector).All(p => Math.Abs(p.First - p.Second) <= (scale * 0.5f) + 1e-4f)
                && decoded.ShortInterest.Zip(shortVector).All(p => Math.Abs(p.First - p.Second) <= (shortScale * 0.57f) + 1e-4f)
                && decoded.Affinities.ToArray().Zip(user.Affinities.ToArray()).All(p =>
                    p.First.Streamer == p.Second.Streamer && p.First.Engagement.Ts == p.Second.Engagement.Ts
                    && WithinHalf(p.First.Engagement.Value, p.Second.Engagement.Value))
                && decoded.AffinityCount == user.AffinityCount && decoded.RankedCount == user.RankedCount
                && decoded.Ranked.ToArray().Zip(user.Ranked.ToArray()).All(p => p.First.Room == p.Second.Room && WithinHalf(p.First.Score, p.Second.Score));
        });
    }

    [Fact]
    public void UserStateCodec_StateWrittenAsVersion1_IsReadExactlyWithNoShortTermInterest()
    {
        Sample((user, vector, _) =>
        {
            var decoded = RoundTrip(user, UserStateCodec.Version1);

            var scale = vector.Max(Math.Abs) / 127f;
            return decoded.InterestTs == user.InterestTs && decoded.Seq == user.Seq && decoded.RankedAt == user.RankedAt
                && Math.Abs(decoded.Activity.Value - 3.5) < 1e-6
                && decoded.Interest.Zip(vector).All(p => Math.Abs(p.First - p.Second) <= (scale * 0.5f) + 1e-4f)
                && decoded.ShortInterest.All(x => x == 0)
                && decoded.Affinities.ToArray().SequenceEqual(user.Affinities.ToArray().Select(a => a with { Engagement = new DecayedValue((float)a.Engagement.Value, a.Engagement.Ts) }))
                && decoded.Ranked.ToArray().SequenceEqual(user.Ranked.ToArray());
        });
    }

    [Fact]
    public void UserStateCodec_SessionVectorBelowHalfRange_IsStoredAsZeroAndSmaller()
    {
        var user = new UserState(8, 4, 6) { InterestTs = 1L << 40 };
        user.Interest[0] = 1f;
        user.ShortInterest[3] = 1e-9f;
        var buffer = new byte[UserStateCodec.MaxSize(8, 4, 6)];
        var withTinySession = UserStateCodec.Encode(user, buffer);
        user.ShortInterest[3] = 1f;
        var withSession = UserStateCodec.Encode(user, buffer);

        user.ShortInterest[3] = 1e-9f;
        var decoded = RoundTrip(user, UserStateCodec.Version);

        Assert.All(decoded.ShortInterest, x => Assert.Equal(0f, x));
        Assert.Equal(withSession - 8, withTinySession);
    }

    [Theory]
    [InlineData(UserStateCodec.Version1)]
    [InlineData(UserStateCodec.Version)]
    public void UserStateCodec_ReadRanking_GivesTheDecodedListsFirstRoomsAndRankedAt(byte version)
    {
        Sample((user, _, _) =>
        {
            // Zero vectors are stored as their scale alone: the skip must not read their bytes.
            if (user.Seq % 3 == 0)
            {
                Array.Clear(user.ShortInterest);
            }

            if (user.Seq % 5 == 0)
            {
                Array.Clear(user.Interest);
            }

            var buffer = new byte[UserStateCodec.MaxSize(8, 4, 6)];
            var length = UserStateCodec.Encode(user, buffer, version);
            var decoded = new UserState(8, 4, 6);
            UserStateCodec.Decode(buffer.AsSpan(0, length), decoded);
            Span<int> top = stackalloc int[3];
            var count = UserStateCodec.ReadRanking(buffer.AsSpan(0, length), top, out var rankedAt);
            var expected = decoded.Ranked.ToArray().Take(3).Select(r => r.Room).ToArray();
            return rankedAt == decoded.RankedAt && top[..count].SequenceEqual(expected);
        });
    }

    private static void Sample(Func<UserState, float[], float[], bool> property)
    {
        var gen = Gen.Select(Gen.Float[-50f, 50f].Array[8], Gen.Float[-5f, 5f].Array[8], Gen.Long[0, 1L << 42],
            Gen.Select(Gen.Int[0, 1 << 20], Gen.Float[0f, 100f], Gen.Long[0, 1L << 30]).Array[0, 4],
            Gen.Select(Gen.Int[0, 1 << 20], Gen.Float[-10f, 10f]).Array[0, 6], Gen.Long[0, 1 << 30]);
        gen.Sample((vector, shortVector, ts, affinities, ranked, seq) =>
        {
            var user = new UserState(8, 4, 6);
            vector.CopyTo(user.Interest, 0);
            shortVector.CopyTo(user.ShortInterest, 0);
            user.InterestTs = ts + (1L << 30);
            user.Activity = new DecayedValue(3.5, user.InterestTs);
            foreach (var (streamer, value, age) in affinities.DistinctBy(a => a.Item1))
            {
                user.Engage(streamer, user.InterestTs - age, TimeSpan.FromDays(2), value);
            }

            user.SetRanked([.. ranked.Select(r => new ScoredRoom(r.Item1, r.Item2))]);
            user.RankedAt = user.InterestTs + 77;
            user.Seq = seq;
            return property(user, vector, shortVector);
        });
    }

    private static UserState RoundTrip(UserState user, byte version)
    {
        var buffer = new byte[UserStateCodec.MaxSize(8, 4, 6)];
        var decoded = new UserState(8, 4, 6);
        UserStateCodec.Decode(buffer.AsSpan(0, UserStateCodec.Encode(user, buffer, version)), decoded);
        return decoded;
    }

    /// <summary>A half keeps 11 significant bits; below its normal range, a fixed step of 2^-24.</summary>
    private static bool WithinHalf(double decoded, double original) => Math.Abs(decoded - original) <= (Math.Abs(original) * 1e-3) + 1e-7;

    [Fact]
    public void UserStateCodec_OtherVersion_IsRefusedWithTheVersionNamed()
    {
        var ex = Assert.Throws<InvalidDataException>(() => UserStateCodec.Decode([9, 8], new UserState(8, 4, 6)));

        Assert.Contains("version 9", ex.Message, StringComparison.Ordinal);
    }
}
