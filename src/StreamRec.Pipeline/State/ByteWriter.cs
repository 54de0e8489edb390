using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace StreamRec.Pipeline.State;

/// <summary>
/// Appends what <see cref="ByteReader"/> reads: varints for counts and ids, little-endian fixed-width numbers,
/// length-prefixed bytes and UTF-8 strings.
/// </summary>
internal readonly ref struct ByteWriter(IBufferWriter<byte> destination)
{
    public void Byte(byte value)
    {
        destination.GetSpan(1)[0] = value;
        destination.Advance(1);
    }

    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public void VarUInt(ulong value) => destination.Advance(State.VarInt.Write(destination.GetSpan(State.VarInt.MaxBytes), value));

    public void VarInt(long value) => VarUInt(State.VarInt.ZigZag(value));

    public void Float(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(destination.GetSpan(4), value);
        destination.Advance(4);
    }

    public void Long(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination.GetSpan(8), value);
        destination.Advance(8);
    }

    public void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(destination.GetSpan(8), value);
        destination.Advance(8);
    }

    /// <summary>A varint byte length, then UTF-8.</summary>
    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        VarUInt((ulong)length);
        destination.Advance(Encoding.UTF8.GetBytes(value, destination.GetSpan(length)));
    }

    /// <summary>A varint byte length, then the bytes.</summary>
    public void Bytes(ReadOnlySpan<byte> value)
    {
        VarUInt((ulong)value.Length);
        value.CopyTo(destination.GetSpan(value.Length));
        destination.Advance(value.Length);
    }
}
