using System.Buffers;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Durability;

/// <summary>
/// Appends the exact binary form of checkpointed state: varints for counts and ids, raw little-endian
/// floats and doubles (a checkpoint must restore bit for bit what an uninterrupted run would hold).
/// </summary>
internal sealed class SnapshotWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);

    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    private ByteWriter Writer => new(_buffer);

    public void Reset() => _buffer.ResetWrittenCount();

    public void Bool(bool value) => Writer.Bool(value);

    public void VarUInt(ulong value) => Writer.VarUInt(value);

    public void VarInt(long value) => Writer.VarInt(value);

    public void Int(int value) => VarInt(value);

    public void Long(long value) => Writer.Long(value);

    public void Float(float value) => Writer.Float(value);

    public void Double(double value) => Writer.Double(value);

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

    public void String(string value) => Writer.String(value);

    public void Bytes(ReadOnlySpan<byte> value) => Writer.Bytes(value);
}
