using System.Buffers;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Exchange;

/// <summary>
/// The exchange topic's record value: one part of one partition's contributions at one tick close, named by external
/// ids (interned ids mean nothing on another instance). A tick's contributions are cut into parts of at most
/// <see cref="MaxRecordBytes"/>, each whole rooms, audiences and pairs, so a large tick still fits a Kafka message.
/// Little-endian, versioned:
/// <c>version(3) · flags(u8: 1 = provisional) · partition(varuint) · clock(int64) · part(varuint) · parts(varuint) ·
/// covered(varuint) × [input topic(string) · offset(int64)] ·
/// rooms(varuint) × [room(string) · popularity · visits ·
/// purchases · intents] · audiences(varuint) × [streamer(string) · dimensions(varuint) × float32 · mass] ·
/// pairs(varuint) × [streamer X(string) · streamer Y(string) · amount]</c>, where each decayed sum is
/// <c>value(float64) · ts(int64 ms)</c> and a string is its UTF-8 length (varuint) and bytes. Values are the exact
/// sums, so merging a received contribution gives the bits a local one would. Version 2 (one part, no flags) is still
/// read. A provisional record is a checkpoint's open tick, which no one merges unless a partition's next owner adopts it
/// (<see cref="AggregateExchange.Adopt"/>).
/// </summary>
internal static class ContributionCodec
{
    public const byte Version = 3;

    /// <summary>A part's size at most: well under Kafka's default message limit of 1 MB, headers and key included.</summary>
    public const int MaxRecordBytes = 512 * 1024;

    private const string Record = "An exchanged contribution";
    private const byte Provisional = 1;

    /// <summary>The tick's contributions of <paramref name="partition"/> as records of at most <paramref name="maxBytes"/> each, in part order.</summary>
    /// <param name="partition">The user partition whose users made the contributions.</param>
    /// <param name="clock">The clock of the tick close (or checkpoint) that publishes them.</param>
    /// <param name="rooms">The partition's room and audience contributions, with what they cover.</param>
    /// <param name="pairs">The partition's co-engagement contributions.</param>
    /// <param name="ids">This instance's id tables, to name the ids.</param>
    /// <param name="provisional">True for a checkpoint's open tick (see <see cref="AggregateExchange.Adopt"/>), false for a closed tick.</param>
    /// <param name="maxBytes">A part's size at most.</param>
    public static List<byte[]> Encode(
        int partition, long clock, RoomContributions rooms, CoEngagementContributions pairs, IdTables ids, bool provisional = false, int maxBytes = MaxRecordBytes)
    {
        var covered = new ArrayBufferWriter<byte>(64);
        var c = new ByteWriter(covered);
        c.VarUInt((ulong)rooms.Covered.Count);
        foreach (var (source, offset) in rooms.Covered)
        {
            c.String(ids.Sources.NameOf(source));
            c.Long(offset);
        }

        // The header's fixed fields and the three section counts take at most this much beside the covered offsets.
        var parts = new ContributionParts(maxBytes - covered.WrittenCount - 64);
        var entry = new ArrayBufferWriter<byte>(256);
        foreach (var (room, sums) in rooms.Rooms)
        {
            var w = Entry(entry);
            w.String(ids.Rooms.NameOf(room));
            Decayed(w, sums.Popularity);
            Decayed(w, sums.Visits);
            Decayed(w, sums.Purchases);
            Decayed(w, sums.Intents);
            parts.Add(ContributionParts.Rooms, entry.WrittenSpan);
        }

        foreach (var (streamer, sum) in rooms.Audiences)
        {
            var w = Entry(entry);
            w.String(ids.Streamers.NameOf(streamer));
            w.VarUInt((ulong)sum.Vector.Length);
            foreach (var value in sum.Vector)
            {
                w.Float(value);
            }

            Decayed(w, sum.Mass);
            parts.Add(ContributionParts.Audiences, entry.WrittenSpan);
        }

        foreach (var (key, amount) in pairs.Pairs)
        {
            var (x, y) = CoEngagementContributions.Split(key);
            var w = Entry(entry);
            w.String(ids.Streamers.NameOf(x));
            w.String(ids.Streamers.NameOf(y));
            Decayed(w, amount);
            parts.Add(ContributionParts.Pairs, entry.WrittenSpan);
        }

        return parts.Finish((part, count, buffer) =>
        {
            var w = new ByteWriter(buffer);
            w.Byte(Version);
            w.Byte(provisional ? Provisional : (byte)0);
            w.VarUInt((ulong)partition);
            w.Long(clock);
            w.VarUInt((ulong)part);
            w.VarUInt((ulong)count);
            buffer.Write(covered.WrittenSpan);
        });
    }

    /// <summary>A provisional record as a closed tick's: the same bytes but the flag, for an owner that adopts it.</summary>
    public static byte[] AsClosed(byte[] provisional)
    {
        var closed = (byte[])provisional.Clone();
        closed[1] = 0;
        return closed;
    }

    private static ByteWriter Entry(ArrayBufferWriter<byte> entry)
    {
        entry.ResetWrittenCount();
        return new ByteWriter(entry);
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
        if (version is not (2 or Version))
        {
            throw new InvalidDataException($"{Record} has version {version}; this version reads 2 and {Version}.");
        }

        var flags = version >= 3 ? r.Byte() : (byte)0;
        if ((flags & ~Provisional) != 0)
        {
            throw new InvalidDataException($"{Record} has flags {flags}; this version knows {Provisional} (provisional).");
        }

        var partition = r.VarUInt();
        if (partition >= (ulong)partitions)
        {
            throw new InvalidDataException($"{Record} names partition {partition}, but the user topics have {partitions}: it was written for another partition count.");
        }

        var clock = r.Long();
        var (part, parts) = version >= 3 ? ((int)r.VarUInt(), (int)r.VarUInt()) : (0, 1);
        if (parts < 1 || part >= parts)
        {
            throw new InvalidDataException($"{Record} is part {part} of {parts}.");
        }

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
        return ids is null ? null : new RemoteContribution((int)partition, clock, covered, rooms, pairs, value)
        {
            Part = part,
            Parts = parts,
            IsProvisional = (flags & Provisional) != 0,
        };
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
