using System.IO.Compression;

namespace StreamRec.Pipeline.Input;

/// <summary>
/// Reads a JSON-lines file (optionally gzip-compressed when its name ends in <c>.gz</c>) into
/// <see cref="RawRecordBatch"/>es. A line longer than the record limit is kept as a truncated prefix
/// and flagged, so a pathological line can neither exhaust memory nor disappear.
/// </summary>
public sealed class JsonLinesReader : IDisposable
{
    private const int ChunkSize = 1 << 20;

    // Batches are also cut by size, so a file of oversized lines cannot make one batch hundreds of MB.
    private const int MaxBatchBytes = 4 << 20;

    private readonly Stream _file;
    private readonly Stream _stream;
    private readonly string _name;
    private readonly int _maxRecordBytes;
    private readonly byte[] _chunk = new byte[ChunkSize];
    private int _chunkStart;
    private int _chunkEnd;
    private bool _eof;
    private long _line;
    private readonly List<byte> _partial = [];
    private int _partialOriginalLength;
    private long _position;
    private readonly long _length;

    public JsonLinesReader(string path, int maxRecordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 1);
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        _stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(_file, CompressionMode.Decompress)
            : _file;
        _name = Path.GetFileName(path);
        _length = _file.Length;
        _maxRecordBytes = maxRecordBytes;
    }

    /// <summary>Size of the file on disk (compressed size for .gz).</summary>
    public long Length => _length;

    /// <summary>Bytes of the file consumed so far, for progress; safe to read from another thread, even after disposal.</summary>
    public long Position => Interlocked.Read(ref _position);

    /// <summary>Lines read so far.</summary>
    public long Lines => _line;

    /// <summary>Name of the source in record origins and checkpoints (the file name).</summary>
    public string Name => _name;

    /// <summary>Fills a new batch with up to <paramref name="maxRecords"/> lines; null at end of file.</summary>
    public RawRecordBatch? ReadBatch(int maxRecords)
    {
        var batch = new RawRecordBatch(Math.Min(maxRecords, 4096));
        while (batch.Count < maxRecords && batch.BufferedBytes < MaxBatchBytes && ReadLine(batch))
        {
        }

        if (batch.Count == 0)
        {
            return null;
        }

        batch.Checkpoint = new FileCheckpoint(_name, _line);
        return batch;
    }

    /// <summary>Reads past the first <paramref name="lines"/> lines (a resumed replay); false when the file has fewer.</summary>
    public bool Skip(long lines)
    {
        var scratch = new RawRecordBatch(256);
        while (_line < lines)
        {
            if (scratch.Count == 256)
            {
                scratch.Release();
                scratch = new RawRecordBatch(256);
            }

            if (!ReadLine(scratch))
            {
                scratch.Release();
                return false;
            }
        }

        scratch.Release();
        return true;
    }

    private bool ReadLine(RawRecordBatch batch)
    {
        while (true)
        {
            var available = _chunk.AsSpan(_chunkStart, _chunkEnd - _chunkStart);
            var newline = available.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                AddLine(batch, available[..newline]);
                _chunkStart += newline + 1;
                return true;
            }

            // No newline in what is buffered: keep it (up to the limit) and read more.
            AppendPartial(available);
            _chunkStart = _chunkEnd;
            if (_eof || !Fill())
            {
                if (_partialOriginalLength == 0)
                {
                    return false;
                }

                AddLine(batch, []);
                return true;
            }
        }
    }

    private bool Fill()
    {
        _chunkStart = 0;
        _chunkEnd = _stream.ReadAtLeast(_chunk, 1, throwOnEndOfStream: false);
        Interlocked.Exchange(ref _position, _file.Position);
        _eof = _chunkEnd == 0;
        return !_eof;
    }

    private void AppendPartial(ReadOnlySpan<byte> bytes)
    {
        var room = Math.Max(0, _maxRecordBytes + 1 - _partial.Count);
        var kept = bytes[..Math.Min(room, bytes.Length)];
        foreach (var b in kept)
        {
            _partial.Add(b);
        }

        _partialOriginalLength += bytes.Length;
    }

    private void AddLine(RawRecordBatch batch, ReadOnlySpan<byte> tail)
    {
        _line++;
        if (_partialOriginalLength == 0)
        {
            Add(batch, tail, tail.Length);
            return;
        }

        AppendPartial(tail);
        Add(batch, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_partial), _partialOriginalLength);
        _partial.Clear();
        _partialOriginalLength = 0;
    }

    private void Add(RawRecordBatch batch, ReadOnlySpan<byte> line, int originalLength)
    {
        // Tolerate CRLF files: the CR is line ending, not payload.
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
            originalLength--;
        }

        var kept = line[..Math.Min(line.Length, _maxRecordBytes + 1)];
        batch.Add(kept, originalLength, RecordOrigin.FileLine(_name, _line));
    }

    public void Dispose()
    {
        _stream.Dispose();
        _file.Dispose();
    }
}
