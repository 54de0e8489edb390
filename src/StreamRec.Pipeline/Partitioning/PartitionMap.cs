using StreamRec.Pipeline.Ids;

namespace StreamRec.Pipeline.Partitioning;

/// <summary>The state partition of each interned user id, hashed once per user (<see cref="UserPartitioner"/>).</summary>
/// <remarks>Read and filled by the pipeline's coordinating thread only.</remarks>
public sealed class PartitionMap(IdTable users, int partitions)
{
    private byte[] _partitions = new byte[1024];
    private int _known;

    public int Partitions => partitions;

    public int Of(int user)
    {
        if (partitions == 1)
        {
            return 0;
        }

        while (_known <= user)
        {
            if (_known == _partitions.Length)
            {
                Array.Resize(ref _partitions, _partitions.Length * 2);
            }

            _partitions[_known] = (byte)UserPartitioner.PartitionOf(users.NameOf(_known), partitions);
            _known++;
        }

        return _partitions[user];
    }
}
