using System.Diagnostics;
using StreamRec.Cli.Commands;

namespace StreamRec.IntegrationTests;

public sealed class PacingTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(250.0)]
    public void Remaining_DuePassedBy_NoWait(double pastMs)
    {
        var due = TimeSpan.FromSeconds(3);
        Assert.Null(Pacing.Remaining(due + TimeSpan.FromMilliseconds(pastMs), due));
    }

    [Theory]
    [InlineData(0.25, 1.0)]
    [InlineData(3.0, 3.0)]
    [InlineData(40.0, 40.0)]
    public void Remaining_DueAhead_WaitsAtLeastAMillisecond(double aheadMs, double expectedMs)
    {
        var due = TimeSpan.FromSeconds(3);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Pacing.Remaining(due - TimeSpan.FromMilliseconds(aheadMs), due));
    }

    [Fact]
    public void UntilAsync_DueInThePast_CompletesAtOnce()
    {
        var clock = Stopwatch.StartNew();
        Assert.True(Pacing.UntilAsync(clock, TimeSpan.FromMilliseconds(-1), CancellationToken.None).IsCompleted);
        Assert.True(Pacing.UntilAsync(clock, -clock.Elapsed - TimeSpan.FromMilliseconds(1.5), CancellationToken.None).IsCompleted);
    }
}
