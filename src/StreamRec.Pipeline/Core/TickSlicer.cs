using StreamRec.Pipeline.Batches;

namespace StreamRec.Pipeline.Core;

/// <summary>
/// Cuts the event stream at re-rank tick boundaries of event time (not arrival), so that pending re-ranks
/// run against exactly the state as of the tick's newest event, whatever the batching upstream. This is
/// what makes output deterministic for a given input and configuration.
/// </summary>
public sealed class TickSlicer(TimeSpan tick)
{
    private readonly long _tickMs = (long)tick.TotalMilliseconds;
    private long _tick = long.MinValue;
    private long _clock = long.MinValue;

    /// <summary>Newest event time seen.</summary>
    public long Clock => _clock;

    /// <summary>Slices <paramref name="input"/>: every slice but the last closes a tick; the last carries the checkpoint.</summary>
    public List<EventBatch> Slice(EventBatch input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var slices = new List<EventBatch>(1);
        if (WithinTick(input))
        {
            // The common case inside a busy tick: the batch is its own slice, no copy.
            foreach (var e in input.Events)
            {
                _tick = Math.Max(_tick, e.Ts / _tickMs);
                _clock = Math.Max(_clock, e.Ts);
            }

            return Finish(input, input, slices);
        }

        var current = new EventBatch { RecordsIn = input.RecordsIn, Handover = input.Handover, Received = input.Received };
        current.DeadLetters.AddRange(input.DeadLetters);
        foreach (var e in input.Events)
        {
            var tick = e.Ts / _tickMs; // event times are positive (validated)
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
            if (e.Kind == Contracts.Events.EventKind.RoomStop)
            {
                // A stop's holders get their promoted lists at once, not at the end of the tick.
                current.Clock = _clock;
                current.ClosesTick = true;
                slices.Add(current);
                current = new EventBatch();
            }
        }

        return Finish(input, current, slices);
    }

    /// <summary>The empty batch that ends a finite input: it closes the last tick and flushes every pending re-rank.</summary>
    public EventBatch Final() => new() { Clock = _clock, ClosesTick = true, IsFinal = true };

    internal void Save(Durability.SnapshotWriter w)
    {
        w.Long(_tick);
        w.Long(_clock);
    }

    internal void Load(Durability.SnapshotReader r)
    {
        _tick = r.Long();
        _clock = r.Long();
    }

    private bool WithinTick(EventBatch input)
    {
        foreach (var e in input.Events)
        {
            if ((_tick != long.MinValue && e.Ts / _tickMs > _tick) || e.Kind == Contracts.Events.EventKind.RoomStop)
            {
                return false;
            }
        }

        return _tick != long.MinValue || input.Events.Count == 0;
    }

    private List<EventBatch> Finish(EventBatch input, EventBatch current, List<EventBatch> slices)
    {
        if (input.Watermark > _clock && _clock != long.MinValue)
        {
            // The source vouches that nothing older is coming: event time moves on without events.
            var tick = input.Watermark / _tickMs;
            _clock = input.Watermark;
            current.ClosesTick = tick > _tick;
            _tick = Math.Max(_tick, tick);
        }

        current.Clock = _clock;
        current.Checkpoint = input.Checkpoint;
        current.CheckpointRequest = input.CheckpointRequest;
        slices.Add(current);
        return slices;
    }
}
