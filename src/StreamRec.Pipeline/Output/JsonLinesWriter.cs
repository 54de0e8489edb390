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

    private readonly JsonTypeInfo<T> _type;
    private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new(FlushBytes + (64 * 1024));

    public JsonLinesWriter(string path, JsonTypeInfo<T> type)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Stream file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
        _type = type;
    }

    public long Written { get; private set; }

    public void Write(T value)
    {
        JsonSerializer.Serialize(_json, value, _type);
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
        _stream.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }
}
