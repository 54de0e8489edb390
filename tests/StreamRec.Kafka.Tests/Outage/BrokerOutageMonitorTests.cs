using Microsoft.Extensions.Time.Testing;
using StreamRec.Kafka.Outage;

namespace StreamRec.Kafka.Tests.Outage;

public sealed class BrokerOutageMonitorTests
{
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 18, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Exceeded_DownLongerThanTolerance_FaultsWithClearMessage()
    {
        using var monitor = new BrokerOutageMonitor(Tolerance, "kafka-1:9092", _time);

        monitor.ReportDown("users", "1/1 brokers are down");
        _time.Advance(Tolerance - TimeSpan.FromMilliseconds(1));
        var before = monitor.Exceeded.IsCompleted;
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.False(before);
        var error = await Assert.ThrowsAsync<BrokerOutageException>(() => monitor.Exceeded);
        Assert.Contains("kafka-1:9092", error.Message, StringComparison.Ordinal);
        Assert.Contains("BrokerOutageTolerance", error.Message, StringComparison.Ordinal);
        Assert.Contains("users: 1/1 brokers are down", error.Message, StringComparison.Ordinal);
        Assert.Equal(Tolerance, error.Unreachable);
    }

    [Fact]
    public void Exceeded_BrokerAnswersWithinTolerance_NeverFaults()
    {
        using var monitor = new BrokerOutageMonitor(Tolerance, "k:1", _time);

        monitor.ReportDown("users", "down");
        _time.Advance(Tolerance / 2);
        monitor.ReportUp();
        _time.Advance(Tolerance * 4);

        Assert.False(monitor.Exceeded.IsCompleted);
        Assert.False(monitor.IsDown);
        Assert.Null(monitor.DownSince);
    }

    [Fact]
    public void Exceeded_RepeatedDownReports_ClockRunsFromTheFirst()
    {
        using var monitor = new BrokerOutageMonitor(Tolerance, "k:1", _time);

        monitor.ReportDown("users", "down");
        var since = _time.GetUtcNow();
        _time.Advance(Tolerance / 2);
        monitor.ReportDown("producer", "down again");
        _time.Advance(Tolerance / 2);

        Assert.True(monitor.Exceeded.IsFaulted);
        Assert.Equal(since, monitor.DownSince);
    }

    [Fact]
    public void Exceeded_NewOutageAfterRecovery_GetsTheFullToleranceAgain()
    {
        using var monitor = new BrokerOutageMonitor(Tolerance, "k:1", _time);

        monitor.ReportDown("users", "down");
        _time.Advance(Tolerance - TimeSpan.FromSeconds(1));
        monitor.ReportUp();
        monitor.ReportDown("users", "down");
        _time.Advance(Tolerance - TimeSpan.FromSeconds(1));

        Assert.False(monitor.Exceeded.IsCompleted);
        Assert.True(monitor.IsDown);
    }
}
