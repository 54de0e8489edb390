using System.Buffers;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Exchange;

/// <summary>
/// The exchange topic's record value: one partition's contributions at one tick close, named by external ids (interned
/// ids mean nothing on another instance). Little-endian, versioned:
/// <c>version(2) · partition(varuint) · clock(int64) · covered(varuint) × [input topic(string) · offset(int64)] ·
/// rooms(varuint) × [room(string) · popularity · visits ·
/// purchases · intents] · audiences(varuint) × [streamer(string) · dimensions(varuint) × float32 · mass] ·
/// pairs(varuint) × [streamer X(string) · streamer Y(string) · amount]</c>, where each decayed sum is
/// <c>value(float64) · ts(int64 ms)</c> and a string is its UTF-8 length (varuint) and bytes. Values are the exact
/// sums, so merging a received contribution gives the bits a local one would.
/// </summary>
internal static class ContributionCodec
{
    public const byte Version = 2;
    private const string Record = "An exchanged contribution";

    public static byte[] Encode(int partition, long clock, RoomContributions rooms, CoEngagementContributions pairs, IdTables ids)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var w = new ByteWriter(buffer);
        w.Byte(Version);
        w.VarUInt((ulong)partition);
        w.Long(clock);
        w.VarUInt((ulong)rooms.Covered.Count);
        foreach (var (source, offset) in rooms.Covered)
        {
            w.String(ids.Sources.NameOf(source));
            w.Long(offset);
        }

        w.VarUInt((ulong)rooms.Rooms.Count);
        foreach (var (room, sums) in rooms.Rooms)
        {
            w.String(ids.Rooms.NameOf(room));
            Decayed(w, sums.Popularity);
            Decayed(w, sums.Visits);
            Decayed(w, sums.Purchases);
            Decayed(w, sums.Intents);
        }

        w.VarUInt((ulong)rooms.Audiences.Count);
        foreach (var (streamer, sum) in rooms.Audiences)
        {
            w.String(ids.Streamers.NameOf(streamer));
            w.VarUInt((ulong)sum.Vector.Length);
            foreach (var value in sum.Vector)
            {
                w.Float(value);
            }

            Decayed(w, sum.Mass);
        }

        w.VarUInt((ulong)pairs.Pairs.Count);
        foreach (var (key, amount) in pairs.Pairs)
        {
            var (x, y) = CoEngagementContributions.Split(key);
            w.String(ids.Streamers.NameOf(x));
            w.String(ids.Streamers.NameOf(y));
            Decayed(w, amount);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Decodes and interns a record; the decoding stage calls it, as the id tables' only writer.</summary>
    /// <exception cref="InvalidDataException">The record is cut short, of another version, partition count or vector size, or holds a value that is not finite.</exception>
    public static RemoteContribution Decode(byte[] value, int partitions, int dimensions, TimeSpan pairHalfLife, IdTables ids)
    {
        // Read once without interning, so a record rejected half-way leaves no names in the id tables.
        Read(value, partitions, dimensions, pairHalfLife, null);
        return Read(value, partitions, dimensions, pairHalfLife, ids)!;
    }

    private static RemoteContribution? Read(byte[] value, int partitions, int dimensions, TimeSpan pairHalfLife, IdTables? ids)
    {
        var r = new ByteReader(value, Record);
        var version = r.Byte();
        if (version != Version)
        {
            throw new InvalidDataException($"{Record} has version {version}; this version reads {Version}.");
        }

        var partition = r.VarUInt();
        if (partition >= (ulong)partitions)
        {
            throw new InvalidDataException($"{Record} names partition {partition}, but the user topics have {partitions}: it was written for another partition count.");
        }

        var clock = r.Long();
        var count = r.Length();
        var covered = new List<(int Source, long Offset)>(count);
        for (var i = 0; i < count; i++)
        {
            var source = Id(ids?.Sources, ref r);
            var offset = r.Long();
            if (offset < 0)
            {
                throw new InvalidDataException($"{Record} covers offset {offset}.");
            }

            covered.Add((source, offset));
        }

        var rooms = new RoomContributions(dimensions);
        count = r.Length();
        for (var i = 0; i < count; i++)
        {
            var room = Id(ids?.Rooms, ref r);
            var sums = new RoomContributions.RoomSums(Decayed(ref r), Decayed(ref r), Decayed(ref r), Decayed(ref r));
            if (ids is not null)
            {
                rooms.Set(room, sums);
            }
        }

        count = r.Length();
        for (var i = 0; i < count; i++)
        {
            var streamer = Id(ids?.Streamers, ref r);
            var length = r.Length();
            if (length != dimensions)
            {
                throw new InvalidDataException($"{Record} has an audience vector of {length} values; this pipeline's have {dimensions}.");
            }

            var vector = new float[dimensions];
            for (var d = 0; d < dimensions; d++)
            {
                vector[d] = Finite(r.Float());
            }

            var mass = Decayed(ref r);
            if (ids is not null)
            {
                vector.CopyTo(rooms.SetAudience(streamer, mass).Vector, 0);
            }
        }

        var pairs = new CoEngagementContributions(pairHalfLife);
        count = r.Length();
        for (var i = 0; i < count; i++)
        {
            var x = Id(ids?.Streamers, ref r);
            var y = Id(ids?.Streamers, ref r);
            var amount = Decayed(ref r);
            if (ids is not null)
            {
                pairs.Set(CoEngagementContributions.Key(x, y), amount);
            }
        }

        if (!r.AtEnd)
        {
            throw new InvalidDataException($"{Record} has trailing bytes.");
        }

        // The record itself is kept (not copied): a checkpoint writes it for a contribution still waiting.
        return ids is null ? null : new RemoteContribution((int)partition, clock, covered, rooms, pairs, value);
    }

    private static void Decayed(ByteWriter w, DecayedValue value)
    {
        w.Double(value.Value);
        w.Long(value.Ts);
    }

    private static DecayedValue Decayed(ref ByteReader r) => new(Finite(r.Double()), r.Long());

    private static int Id(IdTable? table, ref ByteReader r)
    {
        var name = r.String();
        if (name.Length == 0)
        {
            throw new InvalidDataException($"{Record} names an empty id.");
        }

        return table?.Intern(name) ?? -1;
    }

    private static double Finite(double value) =>
        double.IsFinite(value) ? value : throw new InvalidDataException($"{Record} holds a value that is not finite ({value}).");

    private static float Finite(float value) =>
        float.IsFinite(value) ? value : throw new InvalidDataException($"{Record} holds a value that is not finite ({value}).");
}
