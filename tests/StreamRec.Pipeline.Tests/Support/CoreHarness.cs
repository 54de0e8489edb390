using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.Support;

/// <summary>The stateful core over one fresh in-memory state (one partition unless the options say otherwise).</summary>
internal sealed class CoreHarness
{
    public CoreHarness(PipelineOptions? options = null, IScorer? scorer = null)
    {
        Options = (options ?? new PipelineOptions { Partitions = 1 }).Validate();
        State = PipelineState.InMemory(Options);
        Core = new StreamCore(Options, State, scorer ?? new BaselineScorer(), Metrics);
    }

    public PipelineOptions Options { get; }

    public PipelineState State { get; }

    public PipelineMetrics Metrics { get; } = new();

    public StreamCore Core { get; }

    /// <summary>Runs the batch through the core, as the pipeline does.</summary>
    public EventBatch Run(EventBatch batch)
    {
        Core.Process(batch);
        return batch;
    }

    /// <summary>An empty batch that closes the tick at <paramref name="clock"/>.</summary>
    public EventBatch Tick(long clock, bool final = false) => Run(new EventBatch { Clock = clock, ClosesTick = true, IsFinal = final });

    public int User(string name) => State.Ids.Users.Find(name);

    public int Room(string name) => State.Ids.Rooms.Find(name);

    public PartitionState PartitionOf(string user) => State.Partitions[State.PartitionMap.Of(User(user))];

    /// <summary>The user's committed state, or null when never seen.</summary>
    public UserState? UserState(string user) => PartitionOf(user).Users.Peek(User(user));
}
