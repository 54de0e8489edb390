using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace StreamRec.Pipeline.Durability;

/// <summary>
/// Appends the exact binary form of checkpointed state: varints for counts and ids, raw little-endian
/// floats and doubles (a checkpoint must restore bit for bit what an uninterrupted run would hold).
/// </summary>
internal sealed class SnapshotWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Reset() => _buffer.ResetWrittenCount();

    public void Bool(bool value)
    {
        _buffer.GetSpan(1)[0] = value ? (byte)1 : (byte)0;
        _buffer.Advance(1);
    }

    public void VarUInt(ulong value) => _buffer.Advance(State.VarInt.Write(_buffer.GetSpan(State.VarInt.MaxBytes), value));

    public void VarInt(long value) => VarUInt(State.VarInt.ZigZag(value));

    public void Int(int value) => VarInt(value);

    public void Long(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Float(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    public void Double(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    public void Floats(ReadOnlySpan<float> values)
    {
        VarUInt((ulong)values.Length);
        foreach (var value in values)
        {
            Float(value);
        }
    }

    public void Decayed(Numerics.DecayedValue value)
    {
        Double(value.Value);
        Long(value.Ts);
    }

    public void String(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        VarUInt((ulong)length);
        Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(length);
    }

    public void Bytes(ReadOnlySpan<byte> value)
    {
        VarUInt((ulong)value.Length);
        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }
}
