using System.Buffers.Binary;
using System.Text;

namespace StreamRec.Pipeline.Durability;

/// <summary>Reads what <see cref="SnapshotWriter"/> wrote, in the same order; malformed input throws.</summary>
internal sealed class SnapshotReader(byte[] buffer)
{
    private int _position;

    /// <summary>The checkpoint format version being read, so loaders can read older records.</summary>
    public int Version { get; set; } = StateCheckpointer.Version;

    public bool AtEnd => _position == buffer.Length;

    public bool Bool() => Take(1)[0] != 0;

    public ulong VarUInt() => State.VarInt.Read(buffer, ref _position);

    public long VarInt() => State.VarInt.UnZigZag(VarUInt());

    public int Int() => checked((int)VarInt());

    /// <summary>A count, checked against what is left so corrupt input cannot ask for a huge allocation.</summary>
    public int Count()
    {
        var count = VarUInt();
        if (count > (ulong)(buffer.Length - _position))
        {
            throw new InvalidDataException($"A checkpoint count of {count} exceeds the {buffer.Length - _position} bytes left.");
        }

        return (int)count;
    }

    public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public float Float() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public void Floats(Span<float> into)
    {
        var count = Count();
        if (count != into.Length)
        {
            throw new InvalidDataException($"A checkpointed vector has {count} values; {into.Length} were expected.");
        }

        for (var i = 0; i < count; i++)
        {
            into[i] = Float();
        }
    }

    public Numerics.DecayedValue Decayed() => new(Double(), Long());

    public string String() => Encoding.UTF8.GetString(Take(Count()));

    public byte[] Bytes() => Take(Count()).ToArray();

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > buffer.Length - _position)
        {
            throw new InvalidDataException("A checkpoint ended early.");
        }

        var span = buffer.AsSpan(_position, count);
        _position += count;
        return span;
    }
}
