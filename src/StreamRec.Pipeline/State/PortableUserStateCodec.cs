using System.Buffers;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>
/// The changelog's layout of a user's state (version 2): <see cref="UserStateCodec"/>'s, with every room and
/// streamer named by its external id instead of the writing instance's interned number, so any instance can
/// read it, plus the user's pending work. A forgotten or expired user is a tombstone (a null value), not a record.
/// <code>
/// u8     version = 2
/// varint dimensions, varint interest_ts (ms)
/// f32    activity (its time is interest_ts)
/// f32    scale, then i8 x dimensions (only the scale when it is 0: the zero vector): the long-term interest
/// f32    scale, then i8 x dimensions, likewise: the short-term (session) interest
/// u8     n, then n x (string streamer, f32 engagement, varint interest_ts - engagement_ts)
/// u8     m, then m x (string room, f32 score): the ranked list, best first
/// zigzag rankedAt - interest_ts, varint seq
/// u8     1 then zigzag due - interest_ts when a re-rank is pending, else 0
/// u8     1 when a room_stop promotion waits for the tick's close, else 0 (not in version 1)
/// string = varint byte length, then UTF-8
/// </code>
/// Version 1 (no promotion byte) is still read, as no promotion pending. The interest vectors are quantized as in
/// the local layout (one scale, max |x| maps to 127; the local layout keeps the session vector's scale as a Half,
/// this one as a float), so a state decoded from the local store and written here loses nothing more.
/// </summary>
public static class PortableUserStateCodec
{
    public const byte Version = 2;

    /// <summary>The previous layout: no pending promotion.</summary>
    public const byte Version1 = 1;

    /// <summary>Writes <paramref name="user"/> (its numbers named through <paramref name="ids"/>) and its pending work.</summary>
    public static void Encode(UserState user, IdTables ids, PendingWork pending, IBufferWriter<byte> destination) =>
        Encode(user, ids, pending, destination, Version);

    /// <summary>Writes in layout <paramref name="version"/> (1 drops the pending promotion).</summary>
    public static void Encode(UserState user, IdTables ids, PendingWork pending, IBufferWriter<byte> destination, byte version)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(destination);
        if (version is not (Version1 or Version))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"Writable changelog record versions are {Version1} and {Version}.");
        }

        var w = new ByteWriter(destination);
        w.Byte(version);
        w.VarUInt((ulong)user.Interest.Length);
        w.VarUInt((ulong)user.InterestTs);
        w.Float((float)user.Activity.Value);
        WriteVector(w, user.Interest);
        WriteVector(w, user.ShortInterest);

        w.Byte((byte)user.AffinityCount);
        foreach (var a in user.Affinities)
        {
            w.String(ids.Streamers.NameOf(a.Streamer));
            w.Float((float)a.Engagement.Value);
            w.VarUInt((ulong)Math.Max(0, user.InterestTs - a.Engagement.Ts));
        }

        w.Byte((byte)user.RankedCount);
        foreach (var r in user.Ranked)
        {
            w.String(ids.Rooms.NameOf(r.Room));
            w.Float(r.Score);
        }

        w.VarInt(user.RankedAt - user.InterestTs);
        w.VarUInt((ulong)user.Seq);
        w.Bool(pending.RerankDue is not null);
        if (pending.RerankDue is { } due)
        {
            w.VarInt(due - user.InterestTs);
        }

        if (version >= 2)
        {
            w.Bool(pending.Promotion);
        }
    }

    /// <summary>
    /// Reads a record written by <see cref="Encode(UserState, IdTables, PendingWork, IBufferWriter{byte})"/> into <paramref name="user"/>, interning its room and streamer
    /// names into <paramref name="ids"/> (call it on the thread that interns). Returns the user's pending work.
    /// </summary>
    /// <exception cref="InvalidDataException">Another version, another vector size, or a record cut short.</exception>
    public static PendingWork Decode(ReadOnlySpan<byte> source, UserState user, IdTables ids)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(ids);
        var r = new ByteReader(source, "The changelog record");
        var version = r.Byte();
        if (version is not (Version1 or Version))
        {
            throw new InvalidDataException($"Changelog record version {version} is not readable by this version (which reads {Version1} and {Version}).");
        }

        var dimensions = (int)r.VarUInt();
        if (dimensions != user.Interest.Length)
        {
            throw new InvalidDataException($"Changelog record has {dimensions} dimensions; the pipeline is configured for {user.Interest.Length}.");
        }

        user.Clear();
        user.InterestTs = (long)r.VarUInt();
        user.Activity = new DecayedValue(r.Float(), user.InterestTs);
        ReadVector(ref r, user.Interest);
        ReadVector(ref r, user.ShortInterest);

        var affinities = new StreamerAffinity[r.Byte()];
        for (var i = 0; i < affinities.Length; i++)
        {
            var streamer = ids.Streamers.Intern(r.String());
            var value = r.Float();
            affinities[i] = new StreamerAffinity(streamer, new DecayedValue(value, user.InterestTs - (long)r.VarUInt()));
        }

        user.SetAffinities(affinities);
        var ranked = new ScoredRoom[r.Byte()];
        for (var i = 0; i < ranked.Length; i++)
        {
            var room = ids.Rooms.Intern(r.String());
            ranked[i] = new ScoredRoom(room, r.Float());
        }

        user.SetRanked(ranked);
        user.RankedAt = user.InterestTs + r.VarInt();
        user.Seq = (long)r.VarUInt();
        long? due = r.Byte() == 1 ? user.InterestTs + r.VarInt() : null;
        var promotion = version >= 2 && r.Bool();
        if (!r.AtEnd)
        {
            throw new InvalidDataException("The changelog record has trailing bytes: it was written by another version.");
        }

        return new PendingWork(due, promotion);
    }

    /// <summary>f32 scale = max|x| / 127, then the components as round(x / scale) in i8 (only the scale for the zero vector).</summary>
    private static void WriteVector(ByteWriter w, float[] vector)
    {
        var max = 0f;
        foreach (var x in vector)
        {
            max = Math.Max(max, Math.Abs(x));
        }

        var scale = max / 127f;
        w.Float(scale);
        if (scale > 0)
        {
            foreach (var x in vector)
            {
                w.Byte((byte)(sbyte)Math.Clamp(MathF.Round(x / scale), -127, 127));
            }
        }
    }

    private static void ReadVector(ref ByteReader r, float[] vector)
    {
        var scale = r.Float();
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = scale > 0 ? (sbyte)r.Byte() * scale : 0f;
        }
    }
}
