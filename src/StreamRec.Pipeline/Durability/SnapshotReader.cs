using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Durability;

/// <summary>Reads what <see cref="SnapshotWriter"/> wrote, in the same order; malformed input throws.</summary>
/// <remarks>A class, so loaders can pass it around; each value is read by a <see cref="ByteReader"/> at the kept position.</remarks>
internal sealed class SnapshotReader(byte[] buffer)
{
    private const string Record = "A checkpoint";
    private int _position;

    private delegate T Step<T>(ref ByteReader reader);

    /// <summary>The checkpoint format version being read, so loaders can read older records.</summary>
    public int Version { get; set; } = StateCheckpointer.Version;

    public bool AtEnd => _position == buffer.Length;

    public bool Bool() => Read(static (ref ByteReader r) => r.Bool());

    public ulong VarUInt() => Read(static (ref ByteReader r) => r.VarUInt());

    public long VarInt() => Read(static (ref ByteReader r) => r.VarInt());

    public int Int() => checked((int)VarInt());

    /// <summary>A count, checked against what is left so corrupt input cannot ask for a huge allocation.</summary>
    public int Count() => Read(static (ref ByteReader r) => r.Length());

    public long Long() => Read(static (ref ByteReader r) => r.Long());

    public float Float() => Read(static (ref ByteReader r) => r.Float());

    public double Double() => Read(static (ref ByteReader r) => r.Double());

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

    public string String() => Read(static (ref ByteReader r) => r.String());

    public byte[] Bytes() => Read(static (ref ByteReader r) => r.Bytes().ToArray());

    private T Read<T>(Step<T> step)
    {
        var reader = new ByteReader(buffer, Record, _position);
        var value = step(ref reader);
        _position = reader.Position;
        return value;
    }
}
