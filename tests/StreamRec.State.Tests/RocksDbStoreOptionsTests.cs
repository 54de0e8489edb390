namespace StreamRec.State.Tests;

public sealed class RocksDbStoreOptionsTests
{
    [Fact]
    public void Validate_Defaults_WithADirectory_Pass()
    {
        var options = new RocksDbStoreOptions { Directory = "state" };
        Assert.Same(options, options.Validate());
        Assert.Equal(Path.Combine("state", "partition-7"), options.PartitionDirectory(7));
    }

    [Fact]
    public void Validate_SeveralBadSettings_ListsEveryProblem()
    {
        var options = new RocksDbStoreOptions { Directory = " ", WriteBufferBytes = 1024, BackgroundJobs = 0 };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("Directory", error.Message, StringComparison.Ordinal);
        Assert.Contains("WriteBufferBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("BackgroundJobs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_InvalidOptions_FailsBeforeTouchingTheDisk()
    {
        Assert.Throws<ArgumentException>(() => RocksDbPartition.Open(new RocksDbStoreOptions(), 0));
    }
}
