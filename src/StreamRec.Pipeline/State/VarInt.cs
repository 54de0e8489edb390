namespace StreamRec.Pipeline.State;

/// <summary>
/// LEB128 varints and their zigzag form, shared by the user-state layout and checkpoint records, so both read
/// and write the same bytes.
/// </summary>
internal static class VarInt
{
    /// <summary>Most bytes one value takes.</summary>
    public const int MaxBytes = 10;

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    /// <summary>Reads a value at <paramref name="position"/>, which it moves past it.</summary>
    /// <exception cref="InvalidDataException">More than ten bytes, or the input ends inside the value.</exception>
    public static ulong Read(ReadOnlySpan<byte> source, ref int position)
    {
        ulong value = 0;
        var shift = 0;
        byte b;
        do
        {
            if (shift > 63 || position >= source.Length)
            {
                throw new InvalidDataException(shift > 63 ? "Malformed varint." : "The input ends inside a varint.");
            }

            b = source[position++];
            value |= (ulong)(b & 0x7F) << shift;
            shift += 7;
        }
        while (b >= 0x80);
        return value;
    }

    public static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static long UnZigZag(ulong raw) => (long)(raw >> 1) ^ -(long)(raw & 1);
}
