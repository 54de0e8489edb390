using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Durability;

/// <summary>
/// The changelog record that bounds the seq fence of a restore. Each checkpoint that writes users of a partition
/// appends one after them, under a reserved key (a NUL byte first: no user id starts with one, the id store's
/// erased placeholders rely on the same), holding the lowest offset of the partition's deltas topic partition that a
/// delta not covered by the state written so far can have. A new owner reads that partition from there to its end
/// and continues every user's <c>seq</c> after the highest it finds (see <see cref="SeqFloors"/>).
/// </summary>
/// <remarks>
/// Layout: <c>u8 version=1 | zigzag varint offset</c>. A reader refuses another version byte; a changelog
/// without markers (written before them) makes the restore read the deltas partition from its start.
/// </remarks>
public static class SeqFenceMarker
{
    private const byte Version = 1;

    /// <summary>The marker's key; never a user id.</summary>
    public static ReadOnlySpan<byte> Key => "\0streamrec.seq-fence"u8;

    public static bool IsMarker(ReadOnlySpan<byte> key) => key.SequenceEqual(Key);

    public static byte[] Encode(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var value = new byte[1 + VarInt.MaxBytes];
        value[0] = Version;
        var length = 1 + VarInt.Write(value.AsSpan(1), VarInt.ZigZag(offset));
        return value[..length];
    }

    /// <exception cref="InvalidDataException">Another version, or a cut-short record.</exception>
    public static long Decode(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value[0] != Version)
        {
            throw new InvalidDataException($"A seq fence marker has version {(value.IsEmpty ? "none" : value[0].ToString(System.Globalization.CultureInfo.InvariantCulture))}; this version reads {Version}.");
        }

        var position = 1;
        var offset = VarInt.UnZigZag(VarInt.Read(value, ref position));
        if (position != value.Length || offset < 0)
        {
            throw new InvalidDataException("A seq fence marker has trailing bytes or a negative offset.");
        }

        return offset;
    }
}
