using StreamRec.IntegrationTests.Support;

namespace StreamRec.IntegrationTests;

public sealed class ReplayScenarioTests(SimulatedReplayFixture fixture) : IClassFixture<SimulatedReplayFixture>
{
    [Fact]
    public void Replay_SimulatedLog_CountsEveryEventAndEmitsDeltas()
    {
        Assert.Equal(fixture.LoggedEvents, fixture.First.EventsIn);
        Assert.Equal(fixture.LoggedEvents, fixture.First.Valid);
        Assert.Equal(0, fixture.First.DeadLettered);
        Assert.True(fixture.First.DeltasOut > fixture.First.Users, $"{fixture.First.DeltasOut} deltas for {fixture.First.Users} users");
        Assert.Equal(fixture.First.DeltasOut, File.ReadLines(fixture.FirstDeltas).LongCount());
    }

    [Fact]
    public void Replay_SimulatedLog_EveryDeltaListsOnlyRoomsLiveAtItsTs()
    {
        var intervals = LogFacts.LiveIntervals(LogFacts.ReadLog(fixture.LogPath));

        var stale = LogFacts.ReadDeltas(fixture.FirstDeltas)
            .SelectMany(d => d.Top.Where(t => !LogFacts.IsLive(intervals, t.RoomId, d.Ts)).Select(t => $"{d.UserId}#{d.Seq}:{t.RoomId}@{d.Ts}"))
            .Take(5).ToList();

        Assert.Empty(stale);
    }

    [Fact]
    public void Replay_SimulatedLog_SeqStrictlyIncreasesPerUserAndDeltasAreConsistent()
    {
        var previous = new Dictionary<string, (long Seq, long Ts, HashSet<string> Top)>();
        foreach (var delta in LogFacts.ReadDeltas(fixture.FirstDeltas))
        {
            var top = delta.Top.Select(t => t.RoomId).ToHashSet();
            if (previous.TryGetValue(delta.UserId, out var last))
            {
                Assert.Equal(last.Seq + 1, delta.Seq);
                Assert.True(delta.Ts >= last.Ts);
                Assert.Equal(top.Except(last.Top).Order(), delta.Added.Order());
                Assert.Equal(last.Top.Except(top).Order(), delta.Removed.Order());
            }
            else
            {
                Assert.Equal(1, delta.Seq);
            }

            Assert.Equal(Enumerable.Range(1, delta.Top.Count), delta.Top.Select(t => t.Rank));
            Assert.True(delta.Top.Count <= 10);
            previous[delta.UserId] = (delta.Seq, delta.Ts, top);
        }
    }

    [Fact]
    public void Replay_SameLogTwice_ByteIdenticalOutput()
    {
        Assert.Equal(File.ReadAllBytes(fixture.FirstDeltas), File.ReadAllBytes(fixture.SecondDeltas));
        Assert.Equal(fixture.First.DeltasOut, fixture.Second.DeltasOut);
    }

    [Fact]
    public void Replay_SimulatedLog_LatestTopKBeatsPopularityOnHitRate()
    {
        var (cases, pipeline, popularity) = HitRate.Measure(
            LogFacts.ReadLog(fixture.LogPath), LogFacts.ReadDeltas(fixture.FirstDeltas), k: 10, warmUp: TimeSpan.FromMinutes(30));

        Assert.True(cases > 1000, $"only {cases} cases");
        Assert.True(pipeline > popularity * 1.3, $"pipeline H@10 {pipeline:F3} vs popularity {popularity:F3} over {cases} cases");
    }

    [Fact]
    public async Task Replay_OneTwoAndFourPartitions_EachByteIdenticalOnRepeatAndHitRatesWithinHalfAPoint()
    {
        var log = LogFacts.ReadLog(fixture.LogPath);
        var rates = new Dictionary<int, double>();
        foreach (var partitions in new[] { 1, 2 })
        {
            var first = fixture.PathFor($"p{partitions}-a.jsonl");
            var second = fixture.PathFor($"p{partitions}-b.jsonl");
            await fixture.Replay(first, partitions);
            await fixture.Replay(second, partitions);
            Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
            rates[partitions] = HitRate.Measure(log, LogFacts.ReadDeltas(first), k: 10, warmUp: TimeSpan.FromMinutes(30)).Pipeline;
        }

        rates[4] = HitRate.Measure(log, LogFacts.ReadDeltas(fixture.FirstDeltas), k: 10, warmUp: TimeSpan.FromMinutes(30)).Pipeline;
        Assert.True(rates.Values.Max() - rates.Values.Min() <= 0.005, string.Join(", ", rates.Select(r => $"P={r.Key}: {r.Value:F4}")));
    }
}
