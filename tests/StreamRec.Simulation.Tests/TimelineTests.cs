namespace StreamRec.Simulation.Tests;

public sealed class TimelineTests
{
    [Fact]
    public void TryTake_EventsScheduledInAnyOrderAndWhileTaking_ComeOutByTimeThenOrder()
    {
        const long start = 1_000_000;
        var timeline = new Timeline(start, start + 60_000);
        var random = new DeterministicRandom(3);
        var scheduled = new List<WorldEvent>();
        uint sequence = 0;
        WorldEvent Make(long ts) => new(ts, WorldEvent.OrderOf(random.Chance(0.5), random.Next(5), sequence++), WorldEventKind.Click, 0, 0, 0);
        for (var i = 0; i < 5000; i++)
        {
            var e = Make(start + random.Next(60_000));
            scheduled.Add(e);
            timeline.Schedule(e);
        }

        var taken = new List<WorldEvent>();
        while (timeline.TryTake(out var e))
        {
            taken.Add(e);
            // Like a watch: follow-ups a few ms to a few seconds later, often in the bucket being taken.
            if (random.Chance(0.3) && e.Ts + 5000 < start + 60_000)
            {
                var next = Make(e.Ts + 1 + random.Next(4000));
                scheduled.Add(next);
                timeline.Schedule(next);
            }
        }

        Assert.Equal(scheduled.Order(), taken);
    }
}
