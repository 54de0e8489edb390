using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Retrieval;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class CoEngagementUpdateTests
{
    private const long Minute = 60_000;
    private static readonly int[] PartitionCounts = [1, 2, 4];

    [Fact]
    public void Visit_UserOfAnotherStreamer_AddsTheSameWeightBothWays()
    {
        var h = new CoreHarness();
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0, "u", "a")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + Minute, "u", "b")));

        var ab = Weight(h, "s-a", "s-b");
        var ba = Weight(h, "s-b", "s-a");

        // One click (weight 1) spread over the user's other streamers: a alone, so all of it (a minute's decay aside).
        Assert.Equal(1.0, ab, 3);
        Assert.Equal(ab, ba);
    }

    [Fact]
    public void Visit_FirstEverEvent_AddsNothing()
    {
        var h = new CoreHarness();

        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0, "u", "a")));

        Assert.Equal(0, h.State.CoEngagement.Count);
    }

    [Fact]
    public void Visit_EventsWithinTheVisitGap_CountOnceButPurchasesAlways()
    {
        var h = new CoreHarness();
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0, "u", "a")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + Minute, "u", "b")));
        var once = Weight(h, "s-a", "s-b");

        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + (2 * Minute), "u", "b")));
        var sameVisit = Weight(h, "s-a", "s-b");
        h.Run(Ev.Batch(h.State, Ev.Purchase(Ev.T0 + (3 * Minute), "u", "b")));
        var purchased = Weight(h, "s-a", "s-b");
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + (45 * Minute), "u", "b")));
        var nextVisit = Weight(h, "s-a", "s-b");

        Assert.Equal(once, sameVisit);
        Assert.True(purchased > sameVisit + 1, $"{sameVisit} -> {purchased}");
        Assert.True(nextVisit > purchased, $"{purchased} -> {nextVisit}");
    }

    [Fact]
    public void Visit_UserWithSeveralStreamers_SpreadsTheVisitByAffinity()
    {
        var h = new CoreHarness();
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0, "u", "a"), Ev.Purchase(Ev.T0 + 1, "u", "a"), Ev.Click(Ev.T0 + 2, "u", "c")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + Minute, "u", "b")));

        // Affinities about 6 (a) and 1 (c): a takes six sevenths of the click, c one seventh.
        Assert.Equal(6.0 / 7, Weight(h, "s-a", "s-b"), 3);
        Assert.Equal(1.0 / 7, Weight(h, "s-c", "s-b"), 3);
    }

    [Fact]
    public void Merge_SameLogOnOneTwoAndFourPartitions_GivesTheSameTable()
    {
        var tables = PartitionCounts.Select(p => Table(RunRandomLog(p, seed: 5))).ToList();

        Assert.NotEmpty(tables[0]);
        foreach (var other in tables.Skip(1))
        {
            Assert.Equal(tables[0].Keys.Order(), other.Keys.Order());
            foreach (var (pair, weight) in tables[0])
            {
                Assert.Equal(weight, other[pair], 9);
            }
        }
    }

    [Fact]
    public void Merge_SameLogTwiceOnTwoPartitions_GivesTheSameBytes()
    {
        Assert.Equal(Save(RunRandomLog(2, seed: 5)), Save(RunRandomLog(2, seed: 5)));
    }

    [Fact]
    public void Merge_FullLists_NeverHoldMoreThanTheBound()
    {
        var h = RunRandomLog(partitions: 2, seed: 9);

        var lists = Enumerable.Range(0, h.State.Ids.Streamers.Count).Select(h.State.CoEngagement.Find).OfType<CoEngagementTable.NeighbourList>().ToList();

        Assert.Contains(lists, list => list.Count == 3);
        Assert.All(lists, list => Assert.InRange(list.Count, 1, 3));
    }

    [Fact]
    public void Extract_RoomOfACoEngagedStreamer_FeatureIsLogOfAffinityTimesShare()
    {
        var h = new CoreHarness();

        // Three viewers of a, two of whom also watch b and one c: a's co-engagement is 2 with b, 1 with c.
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "a"), Ev.Start(Ev.T0, "b"), Ev.Start(Ev.T0, "c")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + 1, "v1", "a"), Ev.Click(Ev.T0 + 1, "v2", "a"), Ev.Click(Ev.T0 + 1, "v3", "a")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + Minute, "v1", "b"), Ev.Click(Ev.T0 + Minute, "v2", "b")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + (2 * Minute), "v3", "c")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + (3 * Minute), "u", "a")));
        var now = Ev.T0 + (3 * Minute);

        var (b, c, a) = (Row(h, "u", "b", now), Row(h, "u", "c", now), Row(h, "u", "a", now));

        var index = FeatureExtractor.FeatureNames.ToList().IndexOf("coengagement");
        var max = FeatureExtractor.FeatureNames.ToList().IndexOf("coengagement_max");
        var affinity = h.UserState("u")!.AffinityOf(h.State.Ids.Streamers.Find("s-a")).At(now, h.Options.AffinityHalfLife);
        var share = Weight(h, "s-a", "s-b") / h.State.CoEngagement.Find(h.State.Ids.Streamers.Find("s-a"))!.Mass;
        Assert.Equal(2.0 / 3, share, 3);
        Assert.Equal((float)Math.Log(1 + (affinity * share)), b[index], 5);
        Assert.Equal((float)share, b[max], 5);
        Assert.True(c[index] > 0 && c[index] < b[index], $"c {c[index]}, b {b[index]}");
        Assert.Equal(0f, a[index]);
    }

    [Fact]
    public void Collect_LiveRoomOfACoEngagedStreamer_IsACandidate()
    {
        var with = RetrievalWorld(coEngaged: 5);
        var without = RetrievalWorld(coEngaged: 0);

        Assert.Contains("b", with);
        Assert.DoesNotContain("z", with);
        Assert.DoesNotContain("b", without);
    }

    [Fact]
    public void RoomVector_ColdStreamerWithCoEngagedNeighbours_LeansTowardsTheirAudience()
    {
        var plain = RoomVectorOfCold(coldStartWeight: 0);
        var leaning = RoomVectorOfCold(coldStartWeight: 2);

        Assert.True(leaning.Cosine > plain.Cosine + 0.05, $"{plain.Cosine} -> {leaning.Cosine}");
        Assert.Equal(1f, leaning.Norm, 4);
    }

    /// <summary>
    /// Books fans (interest pointing at "books") watch a warm books streamer w, then a new "pets" streamer n: n's
    /// prior is the pets category, and with the cold-start weight also w's (books) audience.
    /// </summary>
    private static (float Cosine, float Norm) RoomVectorOfCold(double coldStartWeight)
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = 1, CoEngagement = new CoEngagementOptions { ColdStartWeight = coldStartWeight } });
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "w", "books"), Ev.Start(Ev.T0, "n", "pets")));
        for (var i = 0; i < 4; i++)
        {
            h.Run(Ev.Batch(h.State, [.. Enumerable.Range(0, 10).Select(f => Ev.Click(Ev.T0 + 1 + i, $"fan{f}", "w"))]));
        }

        h.Run(Ev.Batch(h.State, [.. Enumerable.Range(0, 10).Select(f => Ev.Click(Ev.T0 + Minute, $"fan{f}", "n"))]));
        var now = Ev.T0 + (2 * Minute);
        var vectors = new RoomVectors(h.Options, h.State);
        var room = new float[h.Options.VectorDimensions];
        vectors.Compute(h.State.Rooms.FindRoom(h.Room("n"))!, now, room);
        var books = vectors.Category(h.State.Ids.Categories.Find("books"));
        return (StreamRec.Pipeline.Numerics.Vectors.Dot(room, books), (float)Math.Sqrt(StreamRec.Pipeline.Numerics.Vectors.Dot(room, room)));
    }

    /// <summary>
    /// Viewers of a also watch b; "u" watches only a. Retrieval has no popularity or category sources, so b
    /// can reach u's candidates only through co-engagement.
    /// </summary>
    private static List<string> RetrievalWorld(int coEngaged)
    {
        var h = new CoreHarness(new PipelineOptions
        {
            Partitions = 1,
            Retrieval = new RetrievalLimits { MaxCandidates = 16, CoEngaged = coEngaged, Categories = 0, ShortCategories = 0, Trending = 0, Fresh = 0 },
        });
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "a"), Ev.Start(Ev.T0, "b"), Ev.Start(Ev.T0, "z"), Ev.Click(Ev.T0 + 1, "v1", "a"), Ev.Click(Ev.T0 + 1, "v2", "a")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + Minute, "v1", "b"), Ev.Click(Ev.T0 + Minute, "v2", "b"), Ev.Click(Ev.T0 + Minute, "v3", "z")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + (2 * Minute), "u", "a")));
        var now = Ev.T0 + (2 * Minute);
        var user = h.UserState("u")!;
        var context = new UserContext(h.Options.VectorDimensions);
        new FeatureExtractor(h.Options, h.State).PrepareUser(user, now, context);
        var into = new List<int>();
        new CandidateRetrieval(h.Options, h.State).Collect(user, context, now, into);
        return [.. into.Select(h.State.Ids.Rooms.NameOf)];
    }

    private static float[] Row(CoreHarness h, string user, string room, long now)
    {
        var features = new FeatureExtractor(h.Options, h.State);
        var userContext = new UserContext(h.Options.VectorDimensions);
        features.PrepareUser(h.UserState(user)!, now, userContext);
        var roomContext = new RoomContext(h.Options.VectorDimensions);
        features.PrepareRoom(h.State.Rooms.FindRoom(h.Room(room))!, now, roomContext);
        var row = new float[FeatureExtractor.Count];
        FeatureExtractor.Extract(userContext, roomContext, row);
        return row;
    }

    /// <summary>300 users over 40 streamers and 40 ticks, with a bound of 3 neighbours so that lists fill up.</summary>
    private static CoreHarness RunRandomLog(int partitions, int seed)
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = partitions, CoEngagement = new CoEngagementOptions { Neighbours = 3 } });
        var random = new Random(seed);
        for (var tick = 0; tick < 40; tick++)
        {
            var events = Enumerable.Range(0, 60).Select(i =>
            {
                var user = random.Next(300);
                // Each user sticks to a group of five streamers half of the time.
                var streamer = random.Next(2) == 0 ? ((user % 8) * 5) + random.Next(5) : random.Next(40);
                var ts = Ev.T0 + (tick * 10 * Minute) + i;
                return random.Next(10) == 0 ? Ev.Purchase(ts, $"u{user}", $"r{streamer}") : Ev.Click(ts, $"u{user}", $"r{streamer}");
            }).ToArray();
            h.Run(Ev.Batch(h.State, events));
        }

        return h;
    }

    private static Dictionary<(string X, string Y), double> Table(CoreHarness h)
    {
        var names = h.State.Ids.Streamers;
        var table = new Dictionary<(string X, string Y), double>();
        for (var x = 0; x < names.Count; x++)
        {
            foreach (var entry in h.State.CoEngagement.Find(x)?.Entries.ToArray() ?? [])
            {
                table[(names.NameOf(x), names.NameOf(entry.Streamer))] = entry.Weight;
            }
        }

        return table;
    }

    private static byte[] Save(CoreHarness h)
    {
        var w = new StreamRec.Pipeline.Durability.SnapshotWriter();
        h.State.CoEngagement.Save(w);
        return w.Written.ToArray();
    }

    private static double Weight(CoreHarness h, string x, string y)
    {
        var streamers = h.State.Ids.Streamers;
        var list = h.State.CoEngagement.Find(streamers.Find(x));
        var entries = list is null ? [] : list.Entries.ToArray();
        return entries.Where(e => e.Streamer == streamers.Find(y)).Select(e => e.Weight).SingleOrDefault();
    }
}
