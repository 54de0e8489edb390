using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Core;

public sealed class TickSlicerTests
{
    [Fact]
    public void Slice_RoomStopInsideATick_ClosesTheTickRightAfterTheStop()
    {
        var state = PipelineState.InMemory(new Options.PipelineOptions().Validate());
        var input = Ev.Batch(state, Ev.Click(Ev.T0 + 100, "u1", "r1"), Ev.Stop(Ev.T0 + 200, "r1"), Ev.Click(Ev.T0 + 300, "u2", "r2"));
        input.ClosesTick = false;
        var slicer = new TickSlicer(TimeSpan.FromSeconds(1));

        var slices = slicer.Slice(input);

        Assert.Equal([2, 1], slices.Select(s => s.Events.Count));
        Assert.Equal([true, false], slices.Select(s => s.ClosesTick));
        Assert.Equal([Ev.T0 + 200, Ev.T0 + 300], slices.Select(s => s.Clock));
    }

    [Fact]
    public void Slice_SameEventsInAnyBatching_SameSlices()
    {
        var state = PipelineState.InMemory(new Options.PipelineOptions().Validate());
        var events = new[] { Ev.Click(Ev.T0 + 100, "u1", "r1"), Ev.Stop(Ev.T0 + 200, "r1"), Ev.Click(Ev.T0 + 1_300, "u2", "r2"), Ev.Stop(Ev.T0 + 1_400, "r2") };
        var whole = new TickSlicer(TimeSpan.FromSeconds(1)).Slice(Open(Ev.Batch(state, events)));
        var split = new TickSlicer(TimeSpan.FromSeconds(1));
        var pieces = events.SelectMany(e => split.Slice(Open(Ev.Batch(state, e)))).ToList();

        Assert.Equal(
            whole.Where(s => s.ClosesTick).Select(s => s.Clock),
            pieces.Where(s => s.ClosesTick).Select(s => s.Clock));
        Assert.Equal(4, whole.Sum(s => s.Events.Count));
    }

    private static Batches.EventBatch Open(Batches.EventBatch batch)
    {
        batch.ClosesTick = false;
        return batch;
    }
}
