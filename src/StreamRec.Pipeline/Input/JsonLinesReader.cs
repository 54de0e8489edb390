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
    private readonly string _path;
    private readonly bool _gzip;
    private long _decompressed;

    // Bytes of the (decompressed) stream before the buffered chunk: with _chunkStart, the offset just past the last line.
    private long _chunkOrigin;

    public JsonLinesReader(string path, int maxRecordBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecordBytes, 1);
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        _gzip = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        _stream = _gzip ? new GZipStream(_file, CompressionMode.Decompress) : _file;
        _path = path;
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

    /// <summary>Where a resumed read goes on: after <see cref="Lines"/> lines, at their byte offset when the file is uncompressed.</summary>
    public RecordOrigin ResumePosition => _gzip ? RecordOrigin.FileLine(_name, _line) : RecordOrigin.FileLine(_name, _line, _chunkOrigin + _chunkStart);

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

        batch.Checkpoint = new Batches.PositionCheckpoint([ResumePosition]);
        return batch;
    }

    /// <summary>
    /// Goes on after <paramref name="position"/>, as <see cref="ResumePosition"/> gave it: a seek to its byte offset, or,
    /// without one (a compressed file, an older checkpoint), reading past its lines; false when the file has fewer.
    /// </summary>
    /// <exception cref="InvalidDataException">The offset is past the file's end or not at the end of a line.</exception>
    public bool Resume(RecordOrigin position)
    {
        if (_gzip || position.ByteOffset < 0)
        {
            return Skip(position.Position);
        }

        var offset = position.ByteOffset;
        Span<byte> before = stackalloc byte[1];
        var handle = ((FileStream)_file).SafeFileHandle;
        if (offset > _length || (offset > 0 && offset < _length && (RandomAccess.Read(handle, before, offset - 1) != 1 || before[0] != (byte)'\n')))
        {
            throw new InvalidDataException(
                $"'{_path}' does not end a line at byte {offset} (it has {_length} bytes), where the state directory says line {position.Position} ended; it was changed or replaced since.");
        }

        _file.Seek(offset, SeekOrigin.Begin);
        _line = position.Position;
        _decompressed = offset;
        _chunkOrigin = offset;
        Interlocked.Exchange(ref _position, offset);
        return true;
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
        try
        {
            _chunkEnd = _stream.ReadAtLeast(_chunk, 1, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"'{_path}' is corrupt: {ex.Message}", ex);
        }

        Interlocked.Exchange(ref _position, _file.Position);
        _chunkOrigin = _decompressed;
        _decompressed += _chunkEnd;
        _eof = _chunkEnd == 0;
        if (_eof && _gzip)
        {
            CheckGzipTrailer();
        }

        return !_eof;
    }

    /// <summary>
    /// .NET's GZipStream ends quietly when the file stops mid-stream, so a truncated log would replay as a shorter
    /// one. The gzip trailer's last four bytes hold the uncompressed size (mod 2^32): a file cut short ends in
    /// compressed data instead, which matches by chance once in 2^32. Like <c>gzip -t</c>, fail instead.
    /// </summary>
    /// <exception cref="InvalidDataException">The sizes differ: truncated or corrupt (or several gzip members concatenated).</exception>
    private void CheckGzipTrailer()
    {
        Span<byte> trailer = stackalloc byte[4];
        var recorded = _length >= 18 && RandomAccess.Read(((FileStream)_file).SafeFileHandle, trailer, _length - 4) == 4
            ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer)
            : (uint?)null;
        if (recorded != (uint)_decompressed)
        {
            throw new InvalidDataException(
                $"'{_path}' is truncated or corrupt: its gzip trailer records {recorded?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"} bytes (mod 2^32) but {_decompressed} were decompressed (gzip -t checks it too; concatenated gzip files are not supported, recompress them as one).");
        }
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
