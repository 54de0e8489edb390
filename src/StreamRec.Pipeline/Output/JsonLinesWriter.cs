using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace StreamRec.Pipeline.Output;

/// <summary>Writes one JSON object per line to a file (gzip when the name ends in <c>.gz</c>).</summary>
public sealed class JsonLinesWriter<T> : IDisposable
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;
    private const int FlushBytes = 1 << 20;

    private readonly Action<Utf8JsonWriter, T> _write;
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(FlushBytes + (64 * 1024));
    private readonly bool _compressed;
    private long _offset;

    /// <param name="path">The file.</param>
    /// <param name="type">How a value is serialized.</param>
    /// <param name="write">A writer that gives the same bytes as <paramref name="type"/> faster (null: the serializer).</param>
    public JsonLinesWriter(string path, JsonTypeInfo<T> type, Action<Utf8JsonWriter, T>? write = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Stream file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _compressed = IsCompressed(path);
        _stream = _compressed ? new GZipStream(file, CompressionLevel.Fastest) : file;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _write = Writer(type, write);
    }

    /// <summary>
    /// Continues an uncompressed file after its first <paramref name="keepLines"/> lines, cutting off whatever
    /// follows them (a resumed replay: lines past the last checkpoint are written again). With
    /// <paramref name="keepBytes"/> (as <see cref="Offset"/> gave it), the cut is there, checked rather than searched
    /// for; -1 counts the lines (an older checkpoint).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file holds fewer lines than that, or is shorter than <paramref name="keepBytes"/>, or that byte does not end a line.
    /// </exception>
    /// <param name="path">The file.</param>
    /// <param name="type">How a value is serialized.</param>
    /// <param name="keepLines">The lines to keep.</param>
    /// <param name="keepBytes">Where they end, or -1 to count them.</param>
    /// <param name="write">A writer that gives the same bytes as <paramref name="type"/> faster (null: the serializer).</param>
    public JsonLinesWriter(string path, JsonTypeInfo<T> type, long keepLines, long keepBytes = -1, Action<Utf8JsonWriter, T>? write = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepLines);
        if (IsCompressed(path))
        {
            throw new ArgumentException($"'{path}' is compressed; only an uncompressed file can be continued.", nameof(path));
        }

        var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        try
        {
            var end = keepBytes >= 0 ? CheckedCut(file, path, keepLines, keepBytes) : OffsetAfterLines(file, keepLines)
                ?? throw new InvalidDataException($"'{path}' holds fewer than the {keepLines} lines the state directory says were written; it was changed or replaced since.");
            file.SetLength(end);
            file.Position = end;
            _offset = end;
        }
        catch
        {
            file.Dispose();
            throw;
        }

        _stream = file;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _write = Writer(type, write);
    }

    private static Action<Utf8JsonWriter, T> Writer(JsonTypeInfo<T> type, Action<Utf8JsonWriter, T>? write)
    {
        ArgumentNullException.ThrowIfNull(type);
        return write ?? ((json, value) => JsonSerializer.Serialize(json, value, type));
    }

    private static bool IsCompressed(string path) => path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

    /// <summary>A stored cut is trusted only where the file is long enough and a line ends: anything else means the file changed.</summary>
    private static long CheckedCut(FileStream file, string path, long lines, long bytes)
    {
        Span<byte> last = stackalloc byte[1];
        if (file.Length < bytes || (bytes > 0 && (RandomAccess.Read(file.SafeFileHandle, last, bytes - 1) != 1 || last[0] != (byte)'\n')))
        {
            throw new InvalidDataException(
                $"'{path}' does not end a line at byte {bytes} (it has {file.Length} bytes), where the state directory says its {lines} written lines end; it was changed or replaced since. Refusing to cut it.");
        }

        return bytes;
    }

    private static long? OffsetAfterLines(FileStream file, long lines)
    {
        if (lines == 0)
        {
            return 0;
        }

        var chunk = new byte[1 << 16];
        long seen = 0, offset = 0;
        int read;
        while ((read = file.Read(chunk)) > 0)
        {
            var span = chunk.AsSpan(0, read);
            int at;
            while ((at = span.IndexOf((byte)'\n')) >= 0)
            {
                offset += at + 1;
                span = span[(at + 1)..];
                if (++seen == lines)
                {
                    return offset;
                }
            }

            offset += span.Length;
        }

        return null;
    }

    /// <summary>Writes what is buffered through to the operating system, so a killed process does not lose it.</summary>
    public void Flush()
    {
        Drain();
        _stream.Flush();
    }

    public long Written { get; private set; }

    /// <summary>
    /// The file's length once what is buffered is flushed: where a resumed replay cuts it. -1 for a compressed file
    /// (which cannot be continued).
    /// </summary>
    public long Offset => _compressed ? -1 : _offset + _buffer.WrittenCount;

    public void Write(T value)
    {
        _write(_json, value);
        _json.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        _json.Reset();
        Written++;

        // Lines gather in memory and reach the file in large writes: one system call per record costs more
        // than serialising it.
        if (_buffer.WrittenCount >= FlushBytes)
        {
            Drain();
        }
    }

    public void Dispose()
    {
        Drain();
        _json.Dispose();
        _stream.Dispose();
    }

    private void Drain()
    {
        _offset += _buffer.WrittenCount;
        _stream.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }
}
