using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Tests.Offline;

public sealed class InteractionReplayerTests : IDisposable
{
    private const long T0 = 1_767_636_000_000;
    private readonly TempDirectory _directory = new();
    private readonly InteractionReplayer _replayer = new(new PipelineOptions(), TimeProvider.System);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Replay_ConsecutiveClicksOnOneRoom_ReportOneCaseAndTheRestAsEngagement()
    {
        var log = Write(
            Start("r1", "s1", "beauty", 0), Start("r2", "s2", "toys", 0),
            Click("u1", "r1", "s1", 10), Click("u1", "r1", "s1", 20), Comment("u1", "r1", "s1", 30),
            Click("u1", "r2", "s2", 40),
            Click("u1", "r1", "s1", 50));
        var observer = new RecordingObserver();

        var statistics = _replayer.Replay(log, long.MinValue, observer, CancellationToken.None);

        Assert.Equal(3, statistics.Cases);
        Assert.Equal([T0 + 10_000, T0 + 40_000, T0 + 50_000], observer.Cases.Select(c => c.Ts));
        Assert.Equal([(0, EventKind.Click), (0, EventKind.Comment)], observer.Engagements);
    }

    [Fact]
    public void Replay_CandidatesAreTheRoomsLiveAtTheClick()
    {
        var log = Write(
            Start("r1", "s1", "beauty", 0), Start("r2", "s2", "toys", 0), Start("r3", "s3", "books", 5),
            Click("u1", "r1", "s1", 10),
            Stop("r2", "s2", 20),
            Click("u2", "r3", "s3", 30),
            Click("u3", "r2", "s2", 40));
        var observer = new RecordingObserver();

        var statistics = _replayer.Replay(log, long.MinValue, observer, CancellationToken.None);

        Assert.Equal(3, observer.Cases[0].Rooms.Length);
        Assert.Equal(2, observer.Cases[1].Rooms.Length);
        Assert.Equal(observer.Cases[1].Room, observer.Cases[1].Rooms[observer.Cases[1].TargetIndex]);
        Assert.Equal(1, statistics.NotLive);
        Assert.Equal(2, statistics.Cases);
    }

    [Fact]
    public void Replay_ReturnToAStreamer_IsRepeatWithAffinityFeatures()
    {
        var log = Write(
            Start("r1", "s1", "beauty", 0), Start("r2", "s2", "toys", 0),
            Click("u1", "r1", "s1", 10), Click("u1", "r2", "s2", 20), Click("u1", "r1", "s1", 30));
        var observer = new RecordingObserver();

        _replayer.Replay(log, long.MinValue, observer, CancellationToken.None);

        var (first, back) = (observer.Cases[0], observer.Cases[2]);
        Assert.False(first.IsRepeat);
        Assert.True(back.IsRepeat);
        var affinity = IndexOf("streamer_affinity");
        Assert.Equal(0f, first.Row(first.TargetIndex)[affinity]);
        Assert.True(back.Row(back.TargetIndex)[affinity] > 0f);
        Assert.Equal(T0 + 10_000, back.LastEngaged[back.TargetIndex]);
        Assert.Equal(T0 + 20_000, back.LastEngaged[1 - back.TargetIndex]);
    }

    [Fact]
    public void Replay_CasesFromLaterTime_StillBuildsStateFromTheStart()
    {
        var log = Write(
            Start("r1", "s1", "beauty", 0), Start("r2", "s2", "toys", 0),
            Click("u1", "r1", "s1", 10), Click("u1", "r2", "s2", 20), Click("u1", "r1", "s1", 30));
        var observer = new RecordingObserver();

        _replayer.Replay(log, T0 + 25_000, observer, CancellationToken.None);

        var only = Assert.Single(observer.Cases);
        Assert.True(only.IsRepeat);
        Assert.True(only.Popularity.All(p => p > 0));
    }

    [Fact]
    public void ScanTimeRange_LogWithRejectedRecords_SpansValidEventsOnly()
    {
        var path = _directory.File("mixed.jsonl");
        File.WriteAllLines(path, ["{not json", .. File.ReadAllLines(Write(Start("r1", "s1", "beauty", 3), Click("u1", "r1", "s1", 9)))]);

        var range = _replayer.ScanTimeRange(path, CancellationToken.None);

        Assert.Equal(new LogTimeRange(T0 + 3_000, T0 + 9_000), range);
        Assert.Equal(T0 + 7_800, range.SplitAt(0.2));
    }

    [Fact]
    public void Replay_Cases_CarryTheEventIdOfTheirClick_PastRejectedRecords()
    {
        var path = _directory.File("ids.jsonl");
        var lines = File.ReadAllLines(Write(
            Start("r1", "s1", "beauty", 0), Start("r2", "s2", "toys", 0),
            Click("u1", "r1", "s1", 10), Click("u1", "r1", "s1", 20), Click("u2", "r2", "s2", 20), Click("u1", "r2", "s2", 40)));
        File.WriteAllLines(path, [.. lines[..3], "{not json", .. lines[3..]]);
        var observer = new RecordingObserver();

        _replayer.Replay(path, long.MinValue, observer, CancellationToken.None);

        Assert.Equal(["e2", "e4", "e5"], observer.Cases.Select(c => c.EventId));
    }

    [Fact]
    public void Replay_CasesFromLaterTime_EventIdsOfLaterClicksOnly()
    {
        var log = Write(Start("r1", "s1", "beauty", 0), Click("u1", "r1", "s1", 10), Click("u2", "r1", "s1", 30));
        var observer = new RecordingObserver();

        _replayer.Replay(log, T0 + 20_000, observer, CancellationToken.None);

        Assert.Equal(["e2"], observer.Cases.Select(c => c.EventId));
    }

    private static int IndexOf(string feature) => FeatureExtractor.FeatureNames.ToList().IndexOf(feature);

    private string Write(params LiveEvent[] events) =>
        EventLog.Write(_directory.File($"log-{Guid.NewGuid():N}.jsonl"), events.Select((e, i) => e with { EventId = $"e{i}" }));

    private static RoomStartEvent Start(string room, string streamer, string category, int second) => new()
    {
        EventId = "", Ts = T0 + (second * 1000L), RoomId = room, StreamerId = streamer, Category = category, Title = room,
    };

    private static RoomStopEvent Stop(string room, string streamer, int second) => new()
    {
        EventId = "", Ts = T0 + (second * 1000L), RoomId = room, StreamerId = streamer,
    };

    private static ClickEvent Click(string user, string room, string streamer, int second) => new()
    {
        EventId = "", Ts = T0 + (second * 1000L), UserId = user, RoomId = room, StreamerId = streamer,
    };

    private static CommentEvent Comment(string user, string room, string streamer, int second) => new()
    {
        EventId = "", Ts = T0 + (second * 1000L), UserId = user, RoomId = room, StreamerId = streamer, Text = "wow",
    };
}
