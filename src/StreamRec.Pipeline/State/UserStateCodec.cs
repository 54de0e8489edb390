using System.Buffers.Binary;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>
/// The compact binary layout of a user's state (version 2), ~150–250 bytes for 32-dimension vectors:
/// <code>
/// u8     version = 2
/// varint dimensions, varint interest_ts (ms)
/// f16    activity (its time is interest_ts)
/// f32    scale, then i8 x dimensions: the interest vector quantized as round(x / scale), scale = max|x| / 127
///        (only the scale when it is 0: the zero vector)
/// f16    scale, then i8 x dimensions: the short-term interest vector, the same way (its time is interest_ts)
/// u8     n, then n x (varint streamer, f16 engagement, varint interest_ts - engagement_ts)
/// u8     m, then m x (varint room, f16 score): the ranked list, best first
/// zigzag rankedAt - interest_ts, varint seq
/// </code>
/// Decay multiplies the whole vector, so it moves the scale and leaves the quantized values alone: only
/// additions are rounded. Streamer and room ids are the instance's interned ids. Half precision pays for the
/// short-term vector: engagements, activity and ranked scores need 3 significant digits, not 7 (ranked scores
/// only order the runners-up promoted on a room_stop, and a promotion's delta shows them rounded so). The
/// short-term scale is a half too: a session vector whose scale rounds below a half's smallest value (~6e-8,
/// i.e. components under ~4e-6) has decayed to nothing and is stored as the zero vector, 32 bytes shorter. Version 1 (all f32, no short-term vector) is still read.
/// </summary>
public static class UserStateCodec
{
    public const byte Version = 2;

    /// <summary>The previous layout: f32 activity, engagements and scores, no short-term vector.</summary>
    public const byte Version1 = 1;

    private const string Record = "A user state";

    /// <summary>Upper bound of an encoded state's size.</summary>
    public static int MaxSize(int dimensions, int maxAffinities, int maxRanked) =>
        1 + 5 + 10 + 4 + 4 + dimensions + 4 + dimensions + 1 + (maxAffinities * 19) + 1 + (maxRanked * 9) + 10 + 10;

    /// <summary>Writes <paramref name="user"/> into <paramref name="destination"/> and returns the bytes written.</summary>
    public static int Encode(UserState user, Span<byte> destination) => Encode(user, destination, Version);

    /// <summary>Writes <paramref name="user"/> in layout <paramref name="version"/> (1 drops the short-term vector).</summary>
    public static int Encode(UserState user, Span<byte> destination, byte version)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (version is not (Version1 or Version))
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"Writable user state versions are {Version1} and {Version}.");
        }

        var half = version == Version;
        var w = new Writer(destination);
        w.Byte(version);
        w.VarUInt((ulong)user.Interest.Length);
        w.VarUInt((ulong)user.InterestTs);
        w.Number(user.Activity.Value, half);
        WriteVector(ref w, user.Interest, half: false);
        if (half)
        {
            WriteVector(ref w, user.ShortInterest, half: true);
        }

        w.Byte((byte)user.AffinityCount);
        foreach (var a in user.Affinities)
        {
            w.VarUInt((ulong)a.Streamer);
            w.Number(a.Engagement.Value, half);
            w.VarUInt((ulong)Math.Max(0, user.InterestTs - a.Engagement.Ts));
        }

        w.Byte((byte)user.RankedCount);
        foreach (var r in user.Ranked)
        {
            w.VarUInt((ulong)r.Room);
            w.Number(r.Score, half);
        }

        w.VarInt(user.RankedAt - user.InterestTs);
        w.VarUInt((ulong)user.Seq);
        return w.Position;
    }

    /// <summary>The event time of the user's latest event, read without decoding the rest.</summary>
    public static long ReadInterestTs(ReadOnlySpan<byte> source)
    {
        var r = new ByteReader(source, Record);
        CheckVersion(r.Byte());
        r.VarUInt();
        return (long)r.VarUInt();
    }

    /// <summary>
    /// The first <paramref name="rooms"/>.Length ranked rooms (best first) and the time of the ranking, read by
    /// skipping the vectors and affinities: the fan-out of a room_stop and each round's due users ask only this,
    /// and a full decode dequantizes two vectors per question. Returns the number of rooms written.
    /// </summary>
    public static int ReadRanking(ReadOnlySpan<byte> source, Span<int> rooms, out long rankedAt)
    {
        var r = new ByteReader(source, Record);
        var half = CheckVersion(r.Byte()) == Version;
        var dimensions = (int)r.VarUInt();
        var interestTs = (long)r.VarUInt();
        Number(ref r, half);
        SkipVector(ref r, dimensions, half: false);
        if (half)
        {
            SkipVector(ref r, dimensions, half: true);
        }

        var affinities = r.Byte();
        for (var i = 0; i < affinities; i++)
        {
            r.VarUInt();
            Number(ref r, half);
            r.VarUInt();
        }

        var ranked = r.Byte();
        var written = 0;
        for (var i = 0; i < ranked; i++)
        {
            var room = (int)r.VarUInt();
            Number(ref r, half);
            if (written < rooms.Length)
            {
                rooms[written++] = room;
            }
        }

        rankedAt = interestTs + r.VarInt();
        return written;
    }

    /// <summary>Reads a state written by <see cref="Encode(UserState, Span{byte})"/> (either version) into <paramref name="user"/>.</summary>
    /// <exception cref="InvalidDataException">An unknown version, or another vector size than <paramref name="user"/> has.</exception>
    public static void Decode(ReadOnlySpan<byte> source, UserState user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var r = new ByteReader(source, Record);
        var half = CheckVersion(r.Byte()) == Version;
        var dimensions = (int)r.VarUInt();
        if (dimensions != user.Interest.Length)
        {
            throw new InvalidDataException($"User state has {dimensions} dimensions; the pipeline is configured for {user.Interest.Length}.");
        }

        user.InterestTs = (long)r.VarUInt();
        user.Activity = new DecayedValue(Number(ref r, half), user.InterestTs);
        ReadVector(ref r, user.Interest, half: false);
        if (half)
        {
            ReadVector(ref r, user.ShortInterest, half: true);
        }
        else
        {
            Array.Clear(user.ShortInterest);
        }

        Span<StreamerAffinity> affinities = stackalloc StreamerAffinity[r.Byte()];
        for (var i = 0; i < affinities.Length; i++)
        {
            var streamer = (int)r.VarUInt();
            var value = Number(ref r, half);
            affinities[i] = new StreamerAffinity(streamer, new DecayedValue(value, user.InterestTs - (long)r.VarUInt()));
        }

        user.SetAffinities(affinities);
        Span<ScoredRoom> ranked = stackalloc ScoredRoom[r.Byte()];
        for (var i = 0; i < ranked.Length; i++)
        {
            var room = (int)r.VarUInt();
            ranked[i] = new ScoredRoom(room, Number(ref r, half));
        }

        user.SetRanked(ranked);
        user.RankedAt = user.InterestTs + r.VarInt();
        user.Seq = (long)r.VarUInt();
    }

    private static float Number(ref ByteReader r, bool half) => half ? r.Half() : r.Float();

    private static byte CheckVersion(byte version) => version is Version1 or Version
        ? version
        : throw new InvalidDataException($"User state version {version} is not readable by this version (which reads {Version1} and {Version}).");

    private static void WriteVector(ref Writer w, float[] vector, bool half)
    {
        var max = 0f;
        foreach (var x in vector)
        {
            max = Math.Max(max, Math.Abs(x));
        }

        // The scale is rounded first, so the values are quantized against the scale the reader will see.
        var scale = half ? (float)Writer.ToHalf(max / 127f) : max / 127f;
        w.Number(scale, half);
        if (scale > 0)
        {
            foreach (var x in vector)
            {
                w.Byte((byte)(sbyte)Math.Clamp(MathF.Round(x / scale), -127, 127));
            }
        }
    }

    private static void ReadVector(ref ByteReader r, float[] vector, bool half)
    {
        var scale = Number(ref r, half);
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = scale > 0 ? (sbyte)r.Byte() * scale : 0f;
        }
    }

    private static void SkipVector(ref ByteReader r, int dimensions, bool half)
    {
        if (Number(ref r, half) > 0)
        {
            r.Take(dimensions);
        }
    }

    private ref struct Writer(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;

        public int Position { get; private set; }

        public void Byte(byte value) => _buffer[Position++] = value;

        public void Float(float value)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_buffer[Position..], value);
            Position += 4;
        }

        public void VarUInt(ulong value) => Position += State.VarInt.Write(_buffer[Position..], value);

        public void VarInt(long value) => VarUInt(State.VarInt.ZigZag(value));

        /// <summary>A half (clamped to its finite range) or a float.</summary>
        public void Number(double value, bool half)
        {
            if (half)
            {
                BinaryPrimitives.WriteHalfLittleEndian(_buffer[Position..], ToHalf(value));
                Position += 2;
            }
            else
            {
                Float((float)value);
            }
        }

        public static Half ToHalf(double value) => (Half)Math.Clamp(value, (double)Half.MinValue, (double)Half.MaxValue);
    }
}
