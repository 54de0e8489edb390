using Akka.Streams;
using Akka.Streams.Stage;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Metrics;

namespace StreamRec.Pipeline.Stages;

/// <summary>
/// Cuts the event stream at re-rank tick boundaries of event time (not arrival), so that pending re-ranks
/// run against exactly the state as of the tick's newest event, whatever the batching upstream. This is
/// what makes output deterministic for a given input and configuration. On completion it emits a final
/// empty batch that flushes every pending re-rank.
/// </summary>
internal sealed class EventTimeTicking : GraphStage<FlowShape<EventBatch, EventBatch>>
{
    private readonly long _tickMs;
    private readonly PipelineMetrics _metrics;

    public EventTimeTicking(TimeSpan tick, PipelineMetrics metrics)
    {
        _tickMs = (long)tick.TotalMilliseconds;
        _metrics = metrics;
        Shape = new FlowShape<EventBatch, EventBatch>(new Inlet<EventBatch>("EventTimeTicking.in"), new Outlet<EventBatch>("EventTimeTicking.out"));
    }

    public override FlowShape<EventBatch, EventBatch> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName(nameof(EventTimeTicking));

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly EventTimeTicking _stage;
        private long _tick = long.MinValue;
        private long _clock = long.MinValue;

        public Logic(EventTimeTicking stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.Shape.Inlet, this);
            SetHandler(stage.Shape.Outlet, this);
        }

        public override void OnPush() => EmitMultiple(_stage.Shape.Outlet, Slice(Grab(_stage.Shape.Inlet)));

        public override void OnPull()
        {
            if (!HasBeenPulled(_stage.Shape.Inlet))
            {
                Pull(_stage.Shape.Inlet);
            }
        }

        public override void OnUpstreamFinish() =>
            Emit(_stage.Shape.Outlet, new EventBatch { Clock = _clock, ClosesTick = true, IsFinal = true }, CompleteStage);

        private List<EventBatch> Slice(EventBatch input)
        {
            var slices = new List<EventBatch>(1);
            var current = new EventBatch { RecordsIn = input.RecordsIn };
            current.DeadLetters.AddRange(input.DeadLetters);
            foreach (var e in input.Events)
            {
                var tick = e.Ts / _stage._tickMs; // event times are positive (validated)
                if (_tick != long.MinValue && tick > _tick)
                {
                    current.Clock = _clock;
                    current.ClosesTick = true;
                    slices.Add(current);
                    current = new EventBatch();
                }

                _tick = Math.Max(_tick, tick);
                _clock = Math.Max(_clock, e.Ts);
                current.Events.Add(e);
            }

            if (input.Watermark > _clock && _clock != long.MinValue)
            {
                // The source vouches that nothing older is coming: event time moves on without events.
                var tick = input.Watermark / _stage._tickMs;
                _clock = input.Watermark;
                current.ClosesTick = tick > _tick;
                _tick = Math.Max(_tick, tick);
            }

            current.Clock = _clock;
            current.Checkpoint = input.Checkpoint;
            slices.Add(current);
            _stage._metrics.AdvanceEventTime(_clock);
            return slices;
        }
    }
}
