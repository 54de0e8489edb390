using Microsoft.Extensions.Time.Testing;

namespace StreamRec.Kafka.Tests;

public sealed class LogThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 18, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ShouldLog_SameKindRepeatedWithinInterval_FirstOnlyThenOneWithTheCount()
    {
        var throttle = new LogThrottle(Interval, _time);

        var logged = new List<long>();
        for (var i = 0; i < 1_000; i++)
        {
            if (throttle.ShouldLog("error:Local_Transport", out var suppressed))
            {
                logged.Add(suppressed);
            }

            // 1,000 reconnect attempts 100 ms apart: 100 s.
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // One line per 30 s (at 0, 30, 60, 90 s), each after the first counting the 299 held back.
        Assert.Equal([0L, 299L, 299L, 299L], logged);
    }

    [Fact]
    public void ShouldLog_DifferentKinds_ThrottledIndependently()
    {
        var throttle = new LogThrottle(Interval, _time);

        Assert.True(throttle.ShouldLog("a", out _));
        Assert.True(throttle.ShouldLog("b", out _));
        Assert.False(throttle.ShouldLog("a", out _));
    }
}
