using System.Text;

namespace StreamRec.Pipeline.Partitioning;

/// <summary>
/// Maps a user key to a state partition exactly as Kafka's default (Java) partitioner maps a record key to
/// a topic partition: positive(murmur2(key bytes)) mod partitions. So the state partition of a user is the
/// input partition its events arrive on, and a file replay splits users as Kafka would.
/// </summary>
public static class UserPartitioner
{
    public static int PartitionOf(string userId, int partitions)
    {
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        if (partitions == 1)
        {
            return 0;
        }

        Span<byte> buffer = stackalloc byte[512];
        var bytes = Encoding.UTF8.GetMaxByteCount(userId.Length) <= buffer.Length
            ? buffer[..Encoding.UTF8.GetBytes(userId, buffer)]
            : Encoding.UTF8.GetBytes(userId);
        return (int)((uint)(Murmur2(bytes) & 0x7fffffff) % (uint)partitions);
    }

    /// <summary>Kafka's <c>Utils.murmur2</c> (seed 0x9747b28c), bit for bit.</summary>
    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint m = 0x5bd1e995;
        const int r = 24;
        var length = data.Length;
        var h = 0x9747b28cu ^ (uint)length;
        var blocks = length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = (uint)(data[i * 4] | (data[(i * 4) + 1] << 8) | (data[(i * 4) + 2] << 16) | (data[(i * 4) + 3] << 24));
            k *= m;
            k ^= k >> r;
            k *= m;
            h *= m;
            h ^= k;
        }

        var tail = blocks * 4;
        switch (length % 4)
        {
            case 3:
                h ^= (uint)data[tail + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[tail + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[tail];
                h *= m;
                break;
        }

        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return (int)h;
    }
}
