using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class RepeatAffinityUpdateTests
{
    private readonly StepHarness _h = new();

    [Fact]
    public void Apply_RepeatedVisits_AffinityIsDecayedWeightedSum()
    {
        var halfLife = (long)_h.Options.AffinityHalfLife.TotalMilliseconds;

        _h.Affinity.Apply(Ev.Batch(_h.State, Ev.Click(Ev.T0, "u1", "r1", "s1")));
        _h.Affinity.Apply(Ev.Batch(_h.State, Ev.Purchase(Ev.T0 + halfLife, "u1", "r2", "s1")));

        var streamer = _h.State.Ids.Streamers.Find("s1");
        var affinity = _h.State.Users.Find(_h.User("u1"))!.Affinities[streamer];
        Assert.Equal((0.5 * 1) + 5, affinity.Engagement.At(Ev.T0 + halfLife, _h.Options.AffinityHalfLife), 9);
        Assert.Equal(2, affinity.Count);
        Assert.Contains(_h.User("u1"), _h.State.Rooms.FindStreamer(streamer)!.Viewers);
    }
}
