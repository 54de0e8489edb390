using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class CommentIntentSignalTests
{
    [Fact]
    public void Apply_IntentComment_CountsTheBoostMoreTowardsAffinity()
    {
        var h = new CoreHarness();
        var question = Ev.Record(h.State, Ev.Comment(Ev.T0, "u1", "r1", "link please"));
        var chat = Ev.Record(h.State, Ev.Comment(Ev.T0, "u1", "r1", "love it"));
        var step = new RepeatAffinityUpdate(h.Options, h.PartitionOf("u1"));
        var asking = NewUser(h);
        var chatting = NewUser(h);

        step.Apply(question, asking);
        step.Apply(chat, chatting);

        var streamer = h.State.Ids.Streamers.Find("s-r1");
        Assert.Equal(h.Options.Weights.Comment + h.Options.Weights.IntentBoost, asking.AffinityOf(streamer).Value, 9);
        Assert.Equal(h.Options.Weights.Comment, chatting.AffinityOf(streamer).Value, 9);
        Assert.True(h.Options.Weights.IntentBoost > 0);
    }

    [Fact]
    public void Of_IntentBoostZero_IntentCommentWeighsAsAnyComment()
    {
        var h = new CoreHarness();
        var weights = new EventWeights(IntentBoost: 0);

        var record = Ev.Record(h.State, Ev.Comment(Ev.T0, "u1", "r1", "多少钱"));

        Assert.True(record.Intent);
        Assert.Equal(weights.Comment, weights.Of(record));
        Assert.Equal(weights.Comment + 3, (weights with { IntentBoost = 3 }).Of(record));
    }

    [Fact]
    public void Core_IntentCommentsInTwoPartitions_RoomIntentRateCountsBoth()
    {
        var h = new CoreHarness(new PipelineOptions { Partitions = 2 });
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "r1", "beauty")));
        var (u1, u2) = UsersInTwoPartitions(h);

        h.Run(Ev.Batch(h.State,
            Ev.Comment(Ev.T0 + 10, u1, "r1", "price?"),
            Ev.Comment(Ev.T0 + 10, u2, "r1", "有货吗"),
            Ev.Comment(Ev.T0 + 10, u2, "r1", "wow"),
            Ev.Click(Ev.T0 + 10, u1, "r1")));

        var room = h.State.Rooms.FindRoom(h.Room("r1"))!;
        Assert.Equal(2, room.Intents.At(Ev.T0 + 10, h.Options.PopularityHalfLife), 9);
        Assert.Equal(4, room.Visits.At(Ev.T0 + 10, h.Options.PopularityHalfLife), 9);
        var context = new RoomContext(h.Options.VectorDimensions);
        new FeatureExtractor(h.Options, h.State).PrepareRoom(room, Ev.T0 + 10, context);
        Assert.Equal(2f / 5f, context.IntentRate, 5);
        var row = new float[FeatureExtractor.Count];
        FeatureExtractor.Extract(new UserContext(h.Options.VectorDimensions), context, row);
        Assert.Equal(2f / 5f, row[FeatureExtractor.FeatureNames.ToList().IndexOf("room_intent_rate")], 5);
    }

    [Fact]
    public void Restore_IntentCommentsInsideAndBeforeATick_AreRestoredExactly()
    {
        var options = new PipelineOptions { Partitions = 2 }.Validate();
        using var directory = new InMemoryStateDirectory();
        var state = PipelineState.Open(options, directory, TimeProvider.System);
        using (var core = new StreamCore(options, state, new BaselineScorer(), new PipelineMetrics()))
        {
            core.Process(Ev.Batch(state, Ev.Start(Ev.T0, "r1", "beauty", "s1")));
            core.Process(Ev.Batch(state, Ev.Comment(Ev.T0 + 1_000, "u1", "r1", "how much", "s1"), Ev.Comment(Ev.T0 + 1_100, "u2", "r1", "尺码?", "s1")));
            var open = Ev.Batch(state, Ev.Comment(Ev.T0 + 1_500, "u3", "r1", "in stock?", "s1"));
            open.ClosesTick = false;
            core.Process(open);
        }

        state.Checkpoints!.Complete([]);
        var restored = PipelineState.Open(options, directory, TimeProvider.System);

        var room = state.Rooms.FindRoom(state.Ids.Rooms.Find("r1"))!;
        var again = restored.Rooms.FindRoom(restored.Ids.Rooms.Find("r1"))!;
        Assert.Equal(2, room.Intents.Value, 3);
        Assert.Equal(room.Intents, again.Intents);
        var pending = state.Partitions.SelectMany(p => p.Contributions.Rooms.Values).Single();
        var restoredPending = restored.Partitions.SelectMany(p => p.Contributions.Rooms.Values).Single();
        Assert.Equal(1, pending.Intents.Value, 9);
        Assert.Equal(pending, restoredPending);
    }

    private static (string, string) UsersInTwoPartitions(CoreHarness h)
    {
        var names = Enumerable.Range(0, 50).Select(i => $"user-{i}").ToList();
        foreach (var name in names)
        {
            h.State.Ids.Users.Intern(name);
        }

        var first = names.First(n => h.State.PartitionMap.Of(h.User(n)) == 0);
        var second = names.First(n => h.State.PartitionMap.Of(h.User(n)) == 1);
        return (first, second);
    }

    private static UserState NewUser(CoreHarness h) => new(h.Options.VectorDimensions, h.Options.MaxAffinities, h.Options.TopK + h.Options.RankedRunnersUp);
}
