using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;

namespace StreamRec.Pipeline.Tests.Support;

/// <summary>The stateful steps over one fresh state, in pipeline order.</summary>
internal sealed class StepHarness
{
    public StepHarness(PipelineOptions? options = null)
    {
        Options = (options ?? new PipelineOptions()).Validate();
        State = PipelineState.InMemory(Options.VectorDimensions);
        Registry = new RoomRegistryUpdate(Options, State);
        Interest = new InterestUpdate(Options, State);
        Affinity = new RepeatAffinityUpdate(Options, State);
        Coalescing = new RerankCoalescing(Options, State);
        Scoring = new CandidateScoring(Options, State, new BaselineScorer(), Metrics);
        Emitter = new DeltaEmitter(State, Metrics);
    }

    public PipelineOptions Options { get; }

    public PipelineState State { get; }

    public PipelineMetrics Metrics { get; } = new();

    public RoomRegistryUpdate Registry { get; }

    public InterestUpdate Interest { get; }

    public RepeatAffinityUpdate Affinity { get; }

    public RerankCoalescing Coalescing { get; }

    public CandidateScoring Scoring { get; }

    public DeltaEmitter Emitter { get; }

    /// <summary>Runs every step over the batch, as the pipeline does.</summary>
    public Batches.EventBatch Run(Batches.EventBatch batch)
    {
        foreach (IPipelineStep step in new IPipelineStep[] { Registry, Interest, Affinity, Coalescing, Scoring, Emitter })
        {
            step.Apply(batch);
        }

        return batch;
    }

    public int User(string name) => State.Ids.Users.Find(name);

    public int Room(string name) => State.Ids.Rooms.Find(name);
}
