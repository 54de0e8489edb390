using Akka.Streams;
using Akka.Streams.Stage;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Metrics;

namespace StreamRec.Pipeline.Stages;

/// <summary>
/// Cuts the stream at event-time tick boundaries (<see cref="TickSlicer"/>). On completion it emits a final
/// empty batch that flushes every pending re-rank.
/// </summary>
internal sealed class EventTimeTicking : GraphStage<FlowShape<EventBatch, EventBatch>>
{
    private readonly TimeSpan _tick;
    private readonly PipelineMetrics _metrics;
    private readonly Durability.StateCheckpointer? _checkpoints;

    public EventTimeTicking(TimeSpan tick, PipelineMetrics metrics, Durability.StateCheckpointer? checkpoints)
    {
        _tick = tick;
        _metrics = metrics;
        _checkpoints = checkpoints;
        Shape = new FlowShape<EventBatch, EventBatch>(new Inlet<EventBatch>("EventTimeTicking.in"), new Outlet<EventBatch>("EventTimeTicking.out"));
    }

    public override FlowShape<EventBatch, EventBatch> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName(nameof(EventTimeTicking));

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly EventTimeTicking _stage;
        private readonly TickSlicer _slicer;

        public Logic(EventTimeTicking stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _slicer = new TickSlicer(stage._tick);
            if (stage._checkpoints?.RestoredSlicer is { Length: > 0 } saved)
            {
                _slicer.Load(new Durability.SnapshotReader(saved));
            }

            SetHandler(stage.Shape.Inlet, this);
            SetHandler(stage.Shape.Outlet, this);
        }

        public override void OnPush()
        {
            var input = Grab(_stage.Shape.Inlet);
            var arrivedAt = input.ArrivedAt;
            var slices = _slicer.Slice(input);
            foreach (var slice in slices)
            {
                slice.ArrivedAt = arrivedAt;
            }

            if (slices[^1].CheckpointRequest is { } request)
            {
                var snapshot = new Durability.SnapshotWriter();
                _slicer.Save(snapshot);
                request.Slicer = snapshot.Written.ToArray();
            }

            _stage._metrics.AdvanceEventTime(_slicer.Clock);
            EmitMultiple(_stage.Shape.Outlet, slices);
        }

        public override void OnPull()
        {
            if (!HasBeenPulled(_stage.Shape.Inlet))
            {
                Pull(_stage.Shape.Inlet);
            }
        }

        /// <summary>The end of a finite input flushes every pending re-rank; a stop of one that goes on does not.</summary>
        public override void OnUpstreamFinish()
        {
            if (_stage._checkpoints is { ResumesAfterStop: true })
            {
                // After what is still being emitted, unlike CompleteStage.
                Complete(_stage.Shape.Outlet);
                return;
            }

            Emit(_stage.Shape.Outlet, _slicer.Final(), CompleteStage);
        }
    }
}
