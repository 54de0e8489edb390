using System.Text;
using StreamRec.Pipeline.Partitioning;

namespace StreamRec.Pipeline.Tests.Partitioning;

public sealed class UserPartitionerTests
{
    [Theory]
    [InlineData("21", -973932308)]
    [InlineData("foobar", -790332482)]
    [InlineData("a-little-bit-long-string", -985981536)]
    [InlineData("a-little-bit-longer-string", -1486304829)]
    [InlineData("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971)]
    [InlineData("abc", 479470107)]
    public void Murmur2_KafkasTestVectors_SameHash(string key, int expected) =>
        Assert.Equal(expected, UserPartitioner.Murmur2(Encoding.UTF8.GetBytes(key)));

    [Fact]
    public void PartitionOf_ManyUsers_SpreadsOverEveryPartitionAndIsStable()
    {
        var partitions = Enumerable.Range(0, 4000).Select(i => UserPartitioner.PartitionOf($"user-{i:D6}", 4)).ToArray();

        Assert.All(Enumerable.Range(0, 4), p => Assert.InRange(partitions.Count(x => x == p), 800, 1200));
        Assert.Equal(partitions, Enumerable.Range(0, 4000).Select(i => UserPartitioner.PartitionOf($"user-{i:D6}", 4)));
    }
}
