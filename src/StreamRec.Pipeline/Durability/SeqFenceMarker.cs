using System.Buffers;
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
/// <para>Version 2 also holds the input positions the checkpoint accounts for on the partition's user topics, so a
/// restore resumes the input exactly where the state it restores stood, not at the group's committed offsets (which
/// lag when an instance died between its changelog append and its commit).</para>
/// <para>Layout: <c>u8 version | zigzag varint offset</c>, then in version 2 <c>varint count</c> and per position
/// <c>varint length | UTF-8 topic | zigzag varint offset</c>. A reader takes versions 1 and 2 and refuses another; a
/// changelog without markers (written before them) makes the restore read the deltas partition from its start.</para>
/// </remarks>
public static class SeqFenceMarker
{
    private const byte Version = 2;

    /// <summary>The marker's key; never a user id.</summary>
    public static ReadOnlySpan<byte> Key => "\0streamrec.seq-fence"u8;

    public static bool IsMarker(ReadOnlySpan<byte> key) => key.SequenceEqual(Key);

    /// <param name="offset">The fence's deltas offset.</param>
    /// <param name="positions">Per user topic of the partition, the input offset to resume at; null writes version 1.</param>
    public static byte[] Encode(long offset, IReadOnlyList<KeyValuePair<string, long>>? positions = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var buffer = new ArrayBufferWriter<byte>(16);
        var w = new ByteWriter(buffer);
        w.Byte(positions is null ? (byte)1 : Version);
        w.VarInt(offset);
        if (positions is not null)
        {
            w.VarUInt((ulong)positions.Count);
            foreach (var (topic, at) in positions)
            {
                w.String(topic);
                w.VarInt(at);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">Another version, or a cut-short record.</exception>
    public static long Decode(ReadOnlySpan<byte> value) => Read(value).Offset;

    /// <summary>The input positions a version 2 marker holds (topic, offset to resume at); null for version 1.</summary>
    /// <exception cref="InvalidDataException">Another version, or a cut-short record.</exception>
    public static IReadOnlyList<KeyValuePair<string, long>>? Positions(ReadOnlySpan<byte> value) => Read(value).Positions;

    private static (long Offset, List<KeyValuePair<string, long>>? Positions) Read(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value[0] is not (1 or Version))
        {
            throw new InvalidDataException($"A seq fence marker has version {(value.IsEmpty ? "none" : value[0].ToString(System.Globalization.CultureInfo.InvariantCulture))}; this version reads 1 and {Version}.");
        }

        var r = new ByteReader(value, "A seq fence marker");
        var version = r.Byte();
        var offset = r.VarInt();
        List<KeyValuePair<string, long>>? positions = null;
        if (version == Version)
        {
            var count = r.Length();
            positions = new(count);
            for (var i = 0; i < count; i++)
            {
                positions.Add(KeyValuePair.Create(r.String(), r.VarInt()));
            }
        }

        if (!r.AtEnd || offset < 0)
        {
            throw new InvalidDataException("A seq fence marker has trailing bytes or a negative offset.");
        }

        return (offset, positions);
    }
}
