using StreamRec.Kafka.Hosting;

namespace StreamRec.Kafka.Tests.Hosting;

public sealed class PipelineReadinessTests
{
    [Fact]
    public void IsReady_EverythingUpThenBrokersDown_NotReadyAndSaysWhy()
    {
        var down = false;
        var readiness = new PipelineReadiness();
        readiness.MarkBrokerReachable();
        readiness.MarkModelLoaded();
        readiness.MarkStateRestored();
        readiness.TrackAssignment(() => 2);
        readiness.TrackOutage(() => down);
        Assert.True(readiness.IsReady);

        down = true;

        Assert.False(readiness.IsReady);
        Assert.Equal(["brokers unreachable"], readiness.Problems());
    }

    [Fact]
    public void IsReady_StateNotRestoredYet_NotReady()
    {
        var readiness = new PipelineReadiness();
        readiness.MarkBrokerReachable();
        readiness.MarkModelLoaded();
        readiness.TrackAssignment(() => 1);

        Assert.False(readiness.IsReady);
        Assert.Equal(["state not restored"], readiness.Problems());
    }
}
