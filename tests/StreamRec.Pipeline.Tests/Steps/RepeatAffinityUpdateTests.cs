using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class RepeatAffinityUpdateTests
{
    [Fact]
    public void Core_RepeatedVisits_AffinityAccumulatesAndTheUserIsAFavouriteOfTheStreamer()
    {
        var h = new CoreHarness();
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0, "u1", "r1", "s1"), Ev.Purchase(Ev.T0 + 1, "u1", "r1", "s1")));

        var streamer = h.State.Ids.Streamers.Find("s1");
        var affinity = h.UserState("u1")!.AffinityOf(streamer);
        Assert.Equal(1 + 5, affinity.Value, 3);
        Assert.Equal(Ev.T0 + 1, affinity.Ts);
        var favourites = new List<(double Affinity, int User)>();
        h.PartitionOf("u1").Favourites.Top(streamer, Ev.T0 + 1, 1.0, favourites);
        Assert.Equal([h.User("u1")], favourites.Select(f => f.User));
    }

    [Fact]
    public void Core_MoreStreamersThanTheBound_TheWeakestAffinityMakesRoom()
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = 1, MaxAffinities = 2 });

        // s1 is engaged three times, s2 once, then s3 twice: s2, the weakest, is replaced by s3.
        h.Run(Ev.Batch(
            h.State,
            Ev.Click(Ev.T0, "u1", "r1", "s1"), Ev.Click(Ev.T0 + 1, "u1", "r1", "s1"), Ev.Click(Ev.T0 + 2, "u1", "r1", "s1"),
            Ev.Click(Ev.T0 + 3, "u1", "r2", "s2"),
            Ev.Click(Ev.T0 + 4, "u1", "r3", "s3"), Ev.Click(Ev.T0 + 5, "u1", "r3", "s3")));

        var user = h.UserState("u1")!;
        var streamers = user.Affinities.ToArray().Select(a => h.State.Ids.Streamers.NameOf(a.Streamer)).Order();
        Assert.Equal(["s1", "s3"], streamers);
    }
}
