using System.Buffers.Binary;
using System.Text;

namespace StreamRec.Pipeline.State;

/// <summary>
/// Reads the binary records of this assembly (user states, changelog records, checkpoints): varints, little-endian
/// fixed-width numbers and length-prefixed bytes, each checked against the end, so a record cut short throws
/// <see cref="InvalidDataException"/> naming <paramref name="record"/> rather than reading past it.
/// </summary>
/// <param name="buffer">The record; the reader only borrows it.</param>
/// <param name="record">What the record is, for error messages ("A checkpoint").</param>
/// <param name="position">Where reading starts.</param>
internal ref struct ByteReader(ReadOnlySpan<byte> buffer, string record, int position = 0)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;

    public int Position { readonly get; private set; } = position;

    public readonly bool AtEnd => Position == _buffer.Length;

    public byte Byte() => Take(1)[0];

    public bool Bool() => Byte() != 0;

    public ulong VarUInt()
    {
        var position = Position;
        var value = State.VarInt.Read(_buffer, ref position);
        Position = position;
        return value;
    }

    public long VarInt() => State.VarInt.UnZigZag(VarUInt());

    public float Float() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public float Half() => (float)BinaryPrimitives.ReadHalfLittleEndian(Take(2));

    public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>A varint length or count, checked against what is left, so corrupt input cannot ask for a huge allocation.</summary>
    public int Length()
    {
        var length = VarUInt();
        if (length > (ulong)(_buffer.Length - Position))
        {
            throw new InvalidDataException($"{record}'s length or count of {length} exceeds the {_buffer.Length - Position} bytes left.");
        }

        return (int)length;
    }

    /// <summary>A varint byte length, then UTF-8.</summary>
    public string String() => Encoding.UTF8.GetString(Take(Length()));

    /// <summary>A varint byte length, then the bytes (a slice of the buffer).</summary>
    public ReadOnlySpan<byte> Bytes() => Take(Length());

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count > _buffer.Length - Position)
        {
            throw new InvalidDataException($"{record} ended early.");
        }

        var span = _buffer.Slice(Position, count);
        Position += count;
        return span;
    }
}
