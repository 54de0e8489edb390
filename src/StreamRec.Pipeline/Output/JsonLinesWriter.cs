using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace StreamRec.Pipeline.Output;

/// <summary>Writes one JSON object per line to a file (gzip when the name ends in <c>.gz</c>).</summary>
public sealed class JsonLinesWriter<T> : IDisposable
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _json;
    private readonly JsonTypeInfo<T> _type;

    public JsonLinesWriter(string path, JsonTypeInfo<T> type)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Stream file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        _json = new Utf8JsonWriter(_stream, new JsonWriterOptions { SkipValidation = true });
        _type = type;
    }

    public long Written { get; private set; }

    public void Write(T value)
    {
        JsonSerializer.Serialize(_json, value, _type);
        _json.Flush();
        _stream.WriteByte((byte)'\n');
        _json.Reset();
        Written++;
    }

    public void Dispose()
    {
        _json.Dispose();
        _stream.Dispose();
    }
}
