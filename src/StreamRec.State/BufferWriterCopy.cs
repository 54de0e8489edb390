using System.Buffers;
using RocksDbSharp;

namespace StreamRec.State;

/// <summary>
/// Copies a value straight from RocksDB's buffer into the caller's writer, so a read allocates no array.
/// One instance per store, pointed at the current reader's writer for the length of one call.
/// </summary>
internal sealed class BufferWriterCopy : ISpanDeserializer<bool>
{
    public IBufferWriter<byte>? Target { get; set; }

    public bool Deserialize(ReadOnlySpan<byte> buffer)
    {
        var target = Target ?? throw new InvalidOperationException("No target writer set.");
        buffer.CopyTo(target.GetSpan(buffer.Length));
        target.Advance(buffer.Length);
        return true;
    }
}
