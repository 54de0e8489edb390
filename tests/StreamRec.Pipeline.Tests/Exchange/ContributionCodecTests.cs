using StreamRec.Pipeline.Exchange;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.Exchange;

public sealed class ContributionCodecTests
{
    private const int Dimensions = 4;
    private static readonly TimeSpan HalfLife = TimeSpan.FromMinutes(30);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Decode_RandomContributionsOfAnotherInstance_GivesTheSameSumsUnderTheSameNames(int seed)
    {
        var random = new Random(seed);
        var writer = new IdTables();
        var (rooms, pairs) = RandomContributions(random, writer);

        // The reader met other ids first, so every interned number differs from the writer's.
        var reader = new IdTables();
        for (var i = 0; i < 7; i++)
        {
            reader.Rooms.Intern($"other-room-{i}");
            reader.Streamers.Intern($"other-streamer-{i}");
        }

        var value = Assert.Single(ContributionCodec.Encode(3, 1_000_123, rooms, pairs, writer));
        var decoded = ContributionCodec.Decode(value, partitions: 4, Dimensions, HalfLife, reader);

        Assert.Equal((3, 1_000_123L), (decoded.Partition, decoded.Clock));
        Assert.Equal(
            rooms.Covered.Select(c => (writer.Sources.NameOf(c.Source), c.Offset)),
            decoded.Covered.Select(c => (reader.Sources.NameOf(c.Source), c.Offset)));
        Assert.Equal(
            rooms.Rooms.Select(r => (writer.Rooms.NameOf(r.Key), r.Value)),
            decoded.Rooms.Rooms.Select(r => (reader.Rooms.NameOf(r.Key), r.Value)));
        Assert.Equal(
            rooms.Audiences.Select(a => (writer.Streamers.NameOf(a.Key), a.Value.Mass, string.Join(',', a.Value.Vector))),
            decoded.Rooms.Audiences.Select(a => (reader.Streamers.NameOf(a.Key), a.Value.Mass, string.Join(',', a.Value.Vector))));
        Assert.Equal(Named(pairs, writer), Named(decoded.Pairs, reader));
    }

    [Theory]
    [InlineData(1, 300)]
    [InlineData(2, 700)]
    [InlineData(3, 2_000)]
    public void Encode_TickLargerThanTheBound_CutsItIntoBoundedPartsThatTogetherHoldEverything(int seed, int maxBytes)
    {
        var writer = new IdTables();
        var (rooms, pairs) = RandomContributions(new Random(seed), writer);
        var reader = new IdTables();

        var parts = ContributionCodec.Encode(2, 77, rooms, pairs, writer, maxBytes: maxBytes);
        var decoded = parts.Select(p => ContributionCodec.Decode(p, 4, Dimensions, HalfLife, reader)).ToList();

        Assert.True(parts.Count > 1, $"{parts.Count} part");
        Assert.All(parts, p => Assert.InRange(p.Length, 1, maxBytes));
        Assert.Equal(Enumerable.Range(0, parts.Count), decoded.Select(d => d.Part));
        Assert.All(decoded, d => Assert.Equal((parts.Count, 2, 77L), (d.Parts, d.Partition, d.Clock)));
        Assert.All(decoded, d => Assert.Equal(
            rooms.Covered.Select(c => (writer.Sources.NameOf(c.Source), c.Offset)), d.Covered.Select(c => (reader.Sources.NameOf(c.Source), c.Offset))));
        Assert.Equal(
            rooms.Rooms.Select(r => (writer.Rooms.NameOf(r.Key), r.Value)).Order(),
            decoded.SelectMany(d => d.Rooms.Rooms.Select(r => (reader.Rooms.NameOf(r.Key), r.Value))).Order());
        Assert.Equal(
            rooms.Audiences.Select(a => (writer.Streamers.NameOf(a.Key), a.Value.Mass, string.Join(',', a.Value.Vector))).Order(),
            decoded.SelectMany(d => d.Rooms.Audiences.Select(a => (reader.Streamers.NameOf(a.Key), a.Value.Mass, string.Join(',', a.Value.Vector)))).Order());
        Assert.Equal(Named(pairs, writer).Order(), decoded.SelectMany(d => Named(d.Pairs, reader)).Order());
    }

    [Fact]
    public void Decode_Version2Record_IsReadAsTheOnlyPart()
    {
        var writer = new IdTables();
        var (rooms, pairs) = RandomContributions(new Random(9), writer);
        var current = Assert.Single(ContributionCodec.Encode(1, 42, rooms, pairs, writer));

        // Version 2 is version 3 without its flags (0) after the version, nor part (0) and parts (1) after the clock:
        // version, partition 1 (one byte), clock.
        byte[] older = [2, .. current.AsSpan(2, 9), .. current.AsSpan(13)];
        Assert.Equal((0, 0, 1), (current[1], current[11], current[12]));
        var decoded = ContributionCodec.Decode(older, 4, Dimensions, HalfLife, new IdTables());

        Assert.Equal((0, 1, 1, 42L, false), (decoded.Part, decoded.Parts, decoded.Partition, decoded.Clock, decoded.IsProvisional));
        Assert.Equal(rooms.Rooms.Count, decoded.Rooms.Rooms.Count);
        Assert.Equal(pairs.Pairs.Count, decoded.Pairs.Pairs.Count);
    }

    [Fact]
    public void AsClosed_ProvisionalRecord_ReadsAsTheSameContributionOfAClosedTick()
    {
        var ids = new IdTables();
        var (rooms, pairs) = RandomContributions(new Random(4), ids);
        var provisional = Assert.Single(ContributionCodec.Encode(0, 42, rooms, pairs, ids, provisional: true));

        var closed = ContributionCodec.AsClosed(provisional);

        Assert.True(ContributionCodec.Decode(provisional, 4, Dimensions, HalfLife, ids).IsProvisional);
        Assert.False(ContributionCodec.Decode(closed, 4, Dimensions, HalfLife, ids).IsProvisional);
        Assert.Equal(Assert.Single(ContributionCodec.Encode(0, 42, rooms, pairs, ids)), closed);
    }

    [Fact]
    public void Decode_EveryTruncation_ThrowsAndInternsNothing()
    {
        var writer = new IdTables();
        var (rooms, pairs) = RandomContributions(new Random(5), writer);
        var value = Assert.Single(ContributionCodec.Encode(1, 42, rooms, pairs, writer));
        var reader = new IdTables();

        for (var length = 0; length < value.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => ContributionCodec.Decode(value[..length], 4, Dimensions, HalfLife, reader));
        }

        Assert.Equal((0, 0, 0), (reader.Rooms.Count, reader.Streamers.Count, reader.Sources.Count));
    }

    [Fact]
    public void Decode_PartitionBeyondTheUserTopics_ThrowsNamingThePartitionCount()
    {
        var ids = new IdTables();
        var value = Assert.Single(ContributionCodec.Encode(5, 42, new RoomContributions(Dimensions), new CoEngagementContributions(HalfLife), ids));

        var error = Assert.Throws<InvalidDataException>(() => ContributionCodec.Decode(value, 4, Dimensions, HalfLife, ids));

        Assert.Contains("names partition 5, but the user topics have 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_AudienceOfAnotherVectorSize_Throws()
    {
        var ids = new IdTables();
        var rooms = new RoomContributions(Dimensions);
        rooms.Audience(ids.Streamers.Intern("s1"), 1_000, HalfLife, new float[Dimensions], 1);
        var value = Assert.Single(ContributionCodec.Encode(0, 1_000, rooms, new CoEngagementContributions(HalfLife), ids));

        var error = Assert.Throws<InvalidDataException>(() => ContributionCodec.Decode(value, 4, Dimensions + 1, HalfLife, new IdTables()));

        Assert.Contains($"audience vector of {Dimensions} values", error.Message, StringComparison.Ordinal);
    }

    private static (RoomContributions Rooms, CoEngagementContributions Pairs) RandomContributions(Random random, IdTables ids)
    {
        var rooms = new RoomContributions(Dimensions);
        var pairs = new CoEngagementContributions(HalfLife);
        rooms.Cover(ids.Sources.Intern("live.clicks"), random.Next(1_000_000));
        rooms.Cover(ids.Sources.Intern("live.purchases"), random.Next(1_000_000));
        var ts = 1_767_636_000_000L;
        for (var i = 0; i < 40; i++)
        {
            ts += random.Next(0, 500);
            var room = ids.Rooms.Intern($"room-{random.Next(12)}");
            var streamer = ids.Streamers.Intern($"streamer-{random.Next(6)}");
            rooms.Engage(room, ts, HalfLife, random.NextDouble() * 3, purchase: random.Next(4) == 0, intent: random.Next(3) == 0);
            var unit = Enumerable.Range(0, Dimensions).Select(_ => (float)random.NextDouble()).ToArray();
            rooms.Audience(streamer, ts, HalfLife, unit, random.NextDouble());
            pairs.Engage(streamer, ids.Streamers.Intern($"streamer-{random.Next(6)}"), ts, random.NextDouble());
        }

        return (rooms, pairs);
    }

    private static IEnumerable<(string X, string Y, DecayedValue Amount)> Named(CoEngagementContributions pairs, IdTables ids) =>
        pairs.Pairs.Select(p =>
        {
            var (x, y) = CoEngagementContributions.Split(p.Key);
            return (ids.Streamers.NameOf(x), ids.Streamers.NameOf(y), p.Value);
        });
}
