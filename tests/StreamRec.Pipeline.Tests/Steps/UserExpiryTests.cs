using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class UserExpiryTests
{
    private const long Hour = 3_600_000;

    [Fact]
    public void Core_UserIdleLongerThanTheTtl_IsExpiredAtTheNextHourlyScanAndItsListWithdrawn()
    {
        var h = new CoreHarness(new Options.PipelineOptions { Partitions = 2, TopK = 2, UserTtl = TimeSpan.FromHours(1) });
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "r1", "beauty", "s1")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + 1_000, "idle", "r1")));
        h.Tick(Ev.T0 + 10_000);
        var withinTheHour = h.Tick(Ev.T0 + Hour - 1_000);
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + Hour - 500, "active", "r1")));

        // The first tick close of the next hour of event time scans.
        var scanned = h.Tick(Ev.T0 + Hour + 70_000);

        Assert.DoesNotContain(withinTheHour.Deltas, d => d.Forgotten);
        var withdrawal = Assert.Single(scanned.Deltas, d => d.UserId == "idle");
        Assert.True(withdrawal.Forgotten);
        Assert.Equal(Ev.T0 + Hour + 70_000, withdrawal.Ts);
        Assert.DoesNotContain(scanned.Deltas, d => d.UserId == "active" && d.Forgotten);
        Assert.Null(h.UserState("idle"));
        Assert.NotNull(h.UserState("active"));
        Assert.Equal(1, h.Metrics.ExpiredUsers);
    }

    [Fact]
    public void Core_TtlZero_KeepsIdleUsers()
    {
        var h = new CoreHarness(new Options.PipelineOptions { Partitions = 1, UserTtl = TimeSpan.Zero });
        h.Run(Ev.Batch(h.State, Ev.Start(Ev.T0, "r1", "beauty", "s1")));
        h.Run(Ev.Batch(h.State, Ev.Click(Ev.T0 + 1_000, "idle", "r1")));
        h.Tick(Ev.T0 + 10_000);

        var later = h.Tick(Ev.T0 + (100 * Hour));

        Assert.DoesNotContain(later.Deltas, d => d.Forgotten);
        Assert.NotNull(h.UserState("idle"));
    }
}
