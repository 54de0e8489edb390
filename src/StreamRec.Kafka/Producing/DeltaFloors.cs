namespace StreamRec.Kafka.Producing;

/// <summary>
/// Per partition of the deltas topic, an offset that every delta this process produces from now on will be at or
/// above: the highest acknowledged offset + 1, or the partition's end when this instance read or looked it up at
/// an assignment, whichever is higher. A record appended later cannot sit below one already in the log, so either
/// is a lower bound for what comes after. Checkpoints write it into the changelog as the seq fence marker.
/// </summary>
public sealed class DeltaFloors
{
    private readonly long[] _floors;

    public DeltaFloors(int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        _floors = new long[partitions];
    }

    public int Partitions => _floors.Length;

    public long Floor(int partition) => Interlocked.Read(ref _floors[partition]);

    /// <summary>A delta was acknowledged at <paramref name="offset"/> (librdkafka's delivery thread).</summary>
    public void Acknowledged(int partition, long offset)
    {
        if ((uint)partition < (uint)_floors.Length && offset >= 0)
        {
            Raise(partition, offset + 1);
        }
    }

    /// <summary>The partition's log was seen to end at <paramref name="end"/>.</summary>
    public void SeenEnd(int partition, long end) => Raise(partition, end);

    private void Raise(int partition, long value)
    {
        var current = Interlocked.Read(ref _floors[partition]);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref _floors[partition], value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
