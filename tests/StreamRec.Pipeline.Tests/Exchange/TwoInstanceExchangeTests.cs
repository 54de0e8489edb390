using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Exchange;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Partitioning;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Exchange;

/// <summary>
/// Two instances, each processing one of two partitions' users (and every room event), exchanging what they published
/// one tick late, as over Kafka: their aggregates must end as those of one instance that processed everything (the
/// counts to the last bits but for summation order, the audience directions closely).
/// </summary>
public sealed class TwoInstanceExchangeTests
{
    private const int Ticks = 40;
    private const string Topic = "live.clicks";
    private static readonly PipelineOptions Options = new PipelineOptions { Partitions = 2 }.Validate();
    private static readonly List<(List<LiveEvent> Events, long Clock)> Ticked = [.. Log()];

    /// <summary>Each user event's offset in its partition, as Kafka would number it.</summary>
    private static readonly Dictionary<LiveEvent, long> Offsets = NumberByPartition();

    [Fact]
    public void Exchange_TwoInstancesEachWithOnePartition_EndWithTheAggregatesOfOneInstance()
    {
        var (single, first, second) = Run(exchange: true);

        foreach (var instance in new[] { first, second })
        {
            AssertSameAggregates(single.State, instance.State);
        }

        Assert.True(first.State.Exchange.Merged > 0 && second.State.Exchange.Merged > 0, "nothing was exchanged");
    }

    [Fact]
    public void Exchange_Off_EachInstanceCountsOnlyItsOwnPartition()
    {
        var (single, first, _) = Run(exchange: false);

        var room = single.State.Ids.Rooms.Find("r0");
        var theirs = first.State.Rooms.FindRoom(first.State.Ids.Rooms.Find("r0"))!.Popularity.Value;
        Assert.True(theirs < 0.9 * single.State.Rooms.FindRoom(room)!.Popularity.Value, "one partition's users alone made all of r0's popularity");
    }

    [Fact]
    public void Exchange_OwnPublishedContributionsComingBack_ChangeNothing()
    {
        var alone = new CoreHarness(Options);
        var echoed = new CoreHarness(Options);
        echoed.State.Exchange.Publishes = true;
        List<RemoteContribution>? echo = null;
        foreach (var tick in Ticked)
        {
            alone.Run(Batch(alone, tick.Events, tick.Clock, null));
            var batch = echoed.Run(Batch(echoed, tick.Events, tick.Clock, echo));
            echo = Decode(batch.Published, echoed.State);
        }

        AssertSameAggregates(alone.State, echoed.State, exact: true);
        Assert.True(echoed.State.Exchange.Superseded > 0);
        Assert.Equal(0, echoed.State.Exchange.Merged);
    }

    private static (CoreHarness Single, CoreHarness First, CoreHarness Second) Run(bool exchange)
    {
        var (single, first, second) = Instances(exchange);
        List<RemoteContribution>? toFirst = null, toSecond = null;
        foreach (var tick in Ticked)
        {
            single.Run(Batch(single, tick.Events, tick.Clock, null));
            var a = first.Run(Batch(first, Owned(tick.Events, 0), tick.Clock, toFirst));
            var b = second.Run(Batch(second, Owned(tick.Events, 1), tick.Clock, toSecond));

            // What one publishes reaches the other by its next tick close.
            toSecond = Decode(a.Published, second.State);
            toFirst = Decode(b.Published, first.State);
        }

        var end = Ev.T0 + ((Ticks + 1) * 1_000L);
        single.Run(Batch(single, [], end, null));
        first.Run(Batch(first, [], end, toFirst));
        second.Run(Batch(second, [], end, toSecond));
        return (single, first, second);
    }

    /// <summary>Rooms going live, then users of both partitions clicking, buying and commenting across them, tick by tick.</summary>
    private static IEnumerable<(List<LiveEvent> Events, long Clock)> Log()
    {
        var random = new Random(17);
        for (var t = 0; t < Ticks; t++)
        {
            var start = Ev.T0 + (t * 1_000L);
            var events = new List<LiveEvent>();
            if (t == 0)
            {
                events.AddRange(Enumerable.Range(0, 6).Select(r => Ev.Start(start, $"r{r}", r % 2 == 0 ? "beauty" : "food")));
            }

            for (var i = 0; i < 12; i++)
            {
                var ts = start + 10 + (i * 70);
                var user = $"u{random.Next(30)}";
                var room = $"r{random.Next(6)}";
                events.Add(random.Next(5) switch
                {
                    0 => Ev.Purchase(ts, user, room),
                    1 => Ev.Comment(ts, user, room, "how much is this, I want to buy"),
                    _ => Ev.Click(ts, user, room),
                });
            }

            yield return (events, start + 999);
        }
    }

    [Fact]
    public void Exchange_NewOwnerAheadInEventTimeReprocessingWhatItsPredecessorPublished_CountsEachEventOnce()
    {
        // The first instance owns partition 0 and dies after tick 29, its last checkpoint at tick 20. The second
        // owns partition 1 and takes partition 0 over at tick 30: it re-processes ticks 20 to 29 of partition 0 at its
        // own clock (late events), then goes on with both.
        var (single, first, second) = Instances(exchange: true);
        List<RemoteContribution>? toSecond = null;
        for (var t = 0; t < Ticks; t++)
        {
            var (events, clock) = Ticked[t];
            single.Run(Batch(single, events, clock, null));
            var own = t < 30 ? Owned(events, 1) : events;
            if (t == 30)
            {
                own = [.. Ticked.Skip(20).Take(10).SelectMany(tick => Owned(tick.Events, 0).Where(e => e is UserEvent)), .. own];
            }

            second.Run(Batch(second, own, clock, toSecond));
            toSecond = null;
            if (t < 30)
            {
                var a = first.Run(Batch(first, Owned(events, 0), clock, null));
                toSecond = Decode(a.Published, second.State);
            }
        }

        var end = Ev.T0 + ((Ticks + 1) * 1_000L);
        single.Run(Batch(single, [], end, null));
        second.Run(Batch(second, [], end, null));

        AssertSameAggregates(single.State, second.State, countsOnly: true);
    }

    [Fact]
    public void Exchange_OwnerDiesInsideATickAfterItsCheckpoint_NewOwnerAdoptsTheOpenTickAndCountsEachEventOnce()
    {
        // The first instance owns partition 0 and dies inside tick 25, after a checkpoint that published the first
        // half of that tick's events as a provisional record. The second owns partition 1, restores partition 0 at that
        // checkpoint (the changelog holds its users, not the open tick's contributions), and goes on with both.
        var (single, first, second) = Instances(exchange: true);
        List<RemoteContribution>? toSecond = null;
        for (var t = 0; t < Ticks; t++)
        {
            var (events, clock) = Ticked[t];
            single.Run(Batch(single, events, clock, null));
            if (t < 25)
            {
                second.Run(Batch(second, Owned(events, 1), clock, toSecond));
                toSecond = Decode(first.Run(Batch(first, Owned(events, 0), clock, null)).Published, second.State);
                continue;
            }

            var input = events;
            if (t == 25)
            {
                var mine = events.OfType<UserEvent>().Where(e => UserPartitioner.PartitionOf(e.UserId, Options.Partitions) == 0).ToList();
                var checkpointed = mine.Take(mine.Count / 2).ToHashSet<LiveEvent>();
                var open = Batch(first, [.. checkpointed], clock, null);
                open.ClosesTick = false;
                first.Run(open);
                var p0 = first.State.Partitions[0];
                var provisional = ContributionCodec.Encode(0, clock, p0.Contributions, p0.CoEngagement, first.State.Ids, provisional: true);
                toSecond = [.. toSecond!, .. Decode([.. provisional.Select(v => new PublishedContribution(0, v))], second.State)];
                second.State.Partitions[0].PendingAdoption = [(second.State.Ids.Sources.Intern(Topic), checkpointed.Max(e => Offsets[e]))];
                input = [.. events.Where(e => !checkpointed.Contains(e))];
            }

            second.Run(Batch(second, input, clock, toSecond));
            toSecond = null;
        }

        var end = Ev.T0 + ((Ticks + 1) * 1_000L);
        single.Run(Batch(single, [], end, null));
        second.Run(Batch(second, [], end, null));

        AssertSameAggregates(single.State, second.State, countsOnly: true);
        Assert.Equal(1, second.State.Exchange.Adopted);
    }

    /// <summary>One instance that processes everything, and two that will split the partitions.</summary>
    private static (CoreHarness Single, CoreHarness First, CoreHarness Second) Instances(bool exchange)
    {
        var (single, first, second) = (new CoreHarness(Options), new CoreHarness(Options), new CoreHarness(Options));
        first.State.Exchange.Publishes = second.State.Exchange.Publishes = exchange;
        return (single, first, second);
    }

    private static List<LiveEvent> Owned(List<LiveEvent> events, int partition) =>
        [.. events.Where(e => e is not UserEvent user || UserPartitioner.PartitionOf(user.UserId, Options.Partitions) == partition)];

    private static EventBatch Batch(CoreHarness core, List<LiveEvent> events, long clock, List<RemoteContribution>? received)
    {
        var batch = new EventBatch { ClosesTick = true, Clock = clock, Received = received };
        var topic = core.State.Ids.Sources.Intern(Topic);
        batch.Events.AddRange(events.Select(e => Offsets.TryGetValue(e, out var offset) ? Ev.Record(core.State, e) with { Source = topic, Offset = offset } : Ev.Record(core.State, e)));
        return batch;
    }

    private static Dictionary<LiveEvent, long> NumberByPartition()
    {
        var offsets = new Dictionary<LiveEvent, long>(ReferenceEqualityComparer.Instance);
        var next = new long[Options.Partitions];
        foreach (var e in Ticked.SelectMany(t => t.Events).OfType<UserEvent>())
        {
            offsets[e] = next[UserPartitioner.PartitionOf(e.UserId, Options.Partitions)]++;
        }

        return offsets;
    }

    private static List<RemoteContribution> Decode(List<PublishedContribution> published, PipelineState into) =>
        [.. published.Select(p => ContributionCodec.Decode(p.Value, Options.Partitions, Options.VectorDimensions, Options.CoEngagement.HalfLife, into.Ids))];

    private static void AssertSameAggregates(PipelineState expected, PipelineState actual, bool exact = false, bool countsOnly = false)
    {
        var at = Ev.T0 + ((Ticks + 2) * 1_000L);
        var h = Options.PopularityHalfLife;
        for (var r = 0; r < 6; r++)
        {
            var want = expected.Rooms.FindRoom(expected.Ids.Rooms.Find($"r{r}"))!;
            var got = actual.Rooms.FindRoom(actual.Ids.Rooms.Find($"r{r}"))!;
            Close(want.Popularity.At(at, h), got.Popularity.At(at, h), exact);
            Close(want.Visits.At(at, h), got.Visits.At(at, h), exact);
            Close(want.Purchases.At(at, h), got.Purchases.At(at, h), exact);
            Close(want.Intents.At(at, h), got.Intents.At(at, h), exact);

            if (countsOnly)
            {
                continue;
            }

            var streamer = $"s-r{r}";
            var wantAudience = expected.Rooms.FindStreamer(expected.Ids.Streamers.Find(streamer))!;
            var gotAudience = actual.Rooms.FindStreamer(actual.Ids.Streamers.Find(streamer))!;
            Close(wantAudience.AudienceMass.At(at, Options.AudienceHalfLife), gotAudience.AudienceMass.At(at, Options.AudienceHalfLife), exact);
            // The direction: users learn from audiences as of the last tick close, which lag a tick for the other
            // partition's users here, so a vector is close, not the same bits (masses, counted from weights alone, are).
            Assert.True(Cosine(wantAudience.Audience, gotAudience.Audience) >= (exact ? 1 - 1e-12 : 0.999), $"{streamer}'s audience points elsewhere");
        }
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * (double)b[i];
            na += a[i] * (double)a[i];
            nb += b[i] * (double)b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }

    private static void Close(double expected, double actual, bool exact, double tolerance = 1e-9)
    {
        if (exact)
        {
            Assert.Equal(expected, actual);
        }
        else
        {
            Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Max(1, Math.Abs(expected)), $"expected {expected}, got {actual}");
        }
    }
}
