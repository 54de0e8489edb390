using System.Buffers.Binary;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Numerics;

namespace StreamRec.Pipeline.State;

/// <summary>
/// The compact binary layout of a user's state (version 1), ~150–250 bytes for a 32-dimension vector:
/// <code>
/// u8     version = 1
/// varint dimensions, varint interest_ts (ms)
/// f32    activity (its time is interest_ts)
/// f32    scale, then i8 x dimensions: the interest vector quantized as round(x / scale), scale = max|x| / 127
///        (only the scale when it is 0: the zero vector)
/// u8     n, then n x (varint streamer, f32 engagement, varint interest_ts - engagement_ts)
/// u8     m, then m x (varint room, f32 score): the ranked list, best first
/// zigzag rankedAt - interest_ts, varint seq
/// </code>
/// Decay multiplies the whole vector, so it moves the scale and leaves the quantized values alone: only
/// additions are rounded. Streamer and room ids are the instance's interned ids.
/// </summary>
public static class UserStateCodec
{
    public const byte Version = 1;

    /// <summary>Upper bound of an encoded state's size.</summary>
    public static int MaxSize(int dimensions, int maxAffinities, int maxRanked) =>
        1 + 5 + 10 + 4 + 4 + dimensions + 1 + (maxAffinities * 19) + 1 + (maxRanked * 9) + 10 + 10;

    /// <summary>Writes <paramref name="user"/> into <paramref name="destination"/> and returns the bytes written.</summary>
    public static int Encode(UserState user, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(user);
        var w = new Writer(destination);
        w.Byte(Version);
        w.VarUInt((ulong)user.Interest.Length);
        w.VarUInt((ulong)user.InterestTs);
        w.Float((float)user.Activity.Value);
        var max = 0f;
        foreach (var x in user.Interest)
        {
            max = Math.Max(max, Math.Abs(x));
        }

        var scale = max / 127f;
        w.Float(scale);
        if (scale > 0)
        {
            foreach (var x in user.Interest)
            {
                w.Byte((byte)(sbyte)Math.Clamp(MathF.Round(x / scale), -127, 127));
            }
        }

        w.Byte((byte)user.AffinityCount);
        foreach (var a in user.Affinities)
        {
            w.VarUInt((ulong)a.Streamer);
            w.Float((float)a.Engagement.Value);
            w.VarUInt((ulong)Math.Max(0, user.InterestTs - a.Engagement.Ts));
        }

        w.Byte((byte)user.RankedCount);
        foreach (var r in user.Ranked)
        {
            w.VarUInt((ulong)r.Room);
            w.Float(r.Score);
        }

        w.VarInt(user.RankedAt - user.InterestTs);
        w.VarUInt((ulong)user.Seq);
        return w.Position;
    }

    /// <summary>The event time of the user's latest event, read without decoding the rest.</summary>
    public static long ReadInterestTs(ReadOnlySpan<byte> source)
    {
        var r = new Reader(source);
        var version = r.Byte();
        if (version != Version)
        {
            throw new InvalidDataException($"User state version {version} is not readable by this version (which reads {Version}).");
        }

        r.VarUInt();
        return (long)r.VarUInt();
    }

    /// <summary>Reads a state written by <see cref="Encode"/> into <paramref name="user"/>.</summary>
    /// <exception cref="InvalidDataException">Another version, or another vector size than <paramref name="user"/> has.</exception>
    public static void Decode(ReadOnlySpan<byte> source, UserState user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var r = new Reader(source);
        var version = r.Byte();
        if (version != Version)
        {
            throw new InvalidDataException($"User state version {version} is not readable by this version (which reads {Version}).");
        }

        var dimensions = (int)r.VarUInt();
        if (dimensions != user.Interest.Length)
        {
            throw new InvalidDataException($"User state has {dimensions} dimensions; the pipeline is configured for {user.Interest.Length}.");
        }

        user.InterestTs = (long)r.VarUInt();
        user.Activity = new DecayedValue(r.Float(), user.InterestTs);
        var scale = r.Float();
        for (var i = 0; i < dimensions; i++)
        {
            user.Interest[i] = scale > 0 ? (sbyte)r.Byte() * scale : 0f;
        }

        Span<StreamerAffinity> affinities = stackalloc StreamerAffinity[r.Byte()];
        for (var i = 0; i < affinities.Length; i++)
        {
            var streamer = (int)r.VarUInt();
            var value = r.Float();
            affinities[i] = new StreamerAffinity(streamer, new DecayedValue(value, user.InterestTs - (long)r.VarUInt()));
        }

        user.SetAffinities(affinities);
        Span<ScoredRoom> ranked = stackalloc ScoredRoom[r.Byte()];
        for (var i = 0; i < ranked.Length; i++)
        {
            var room = (int)r.VarUInt();
            ranked[i] = new ScoredRoom(room, r.Float());
        }

        user.SetRanked(ranked);
        user.RankedAt = user.InterestTs + r.VarInt();
        user.Seq = (long)r.VarUInt();
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
    }

    private ref struct Reader(ReadOnlySpan<byte> buffer)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private int _position;

        public byte Byte() => _buffer[_position++];

        public float Float()
        {
            var value = BinaryPrimitives.ReadSingleLittleEndian(_buffer[_position..]);
            _position += 4;
            return value;
        }

        public ulong VarUInt() => State.VarInt.Read(_buffer, ref _position);

        public long VarInt() => State.VarInt.UnZigZag(VarUInt());
    }
}
