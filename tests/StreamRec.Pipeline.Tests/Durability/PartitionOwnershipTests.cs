using StreamRec.Pipeline.Durability;

namespace StreamRec.Pipeline.Tests.Durability;

public sealed class PartitionOwnershipTests
{
    [Fact]
    public async Task WaitDelivered_RecordsDecidedBeforeTheSuspension_ReturnsOnceTheBrokerAnsweredForEachOfThem()
    {
        var ownership = new PartitionOwnership(2);
        ownership.Assign([0, 1]);
        lock (ownership.Gate)
        {
            ownership.Decided(2);
        }

        var decided = ownership.Suspend([1]);
        var waiting = Task.Run(() => ownership.WaitDelivered(decided, TimeSpan.FromMinutes(1)));
        ownership.Delivered();
        ownership.Delivered();

        Assert.Equal(2, decided);
        Assert.True(await waiting.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.True(ownership.IsSuspended(1));
        Assert.False(ownership.IsSuspended(0));
    }

    [Fact]
    public void WaitDelivered_RecordsNotYetAnsweredFor_GivesUpAfterTheTimeout()
    {
        var ownership = new PartitionOwnership(1);
        ownership.Assign([0]);
        lock (ownership.Gate)
        {
            ownership.Decided(1);
        }

        var decided = ownership.Suspend([0]);

        // Decided after the suspension: not part of what the revocation waits for.
        lock (ownership.Gate)
        {
            ownership.Decided(5);
        }

        Assert.False(ownership.WaitDelivered(decided, TimeSpan.FromMilliseconds(10)));
        ownership.Delivered();
        Assert.True(ownership.WaitDelivered(decided, TimeSpan.Zero));
    }
}
