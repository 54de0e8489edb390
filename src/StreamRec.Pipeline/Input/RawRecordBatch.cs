namespace StreamRec.Pipeline.Input;

/// <summary>
/// A batch of undecoded input records (JSON objects as UTF-8) packed into one buffer.
/// </summary>
/// <remarks>
/// Ownership: the producer fills the batch and hands it to the stream; the decoding stage is the last
/// reader of <see cref="Buffer"/>, after which the batch is dropped. <see cref="Checkpoint"/> is opaque
/// to the pipeline (a file position, or Kafka offsets to commit) and comes out with the batch's results.
/// </remarks>
public sealed class RawRecordBatch
{
    private int[] _starts;
    private int[] _lengths;
    private int[] _originalLengths;
    private RecordOrigin[] _origins;

    // Only Kafka messages have envelopes; file batches never allocate this.
    private RecordEnvelope[]? _envelopes;
    private byte[] _buffer;
    private int _bytes;

    public RawRecordBatch(int capacity = 1024, int bufferBytes = 64 * 1024)
    {
        _starts = new int[capacity];
        _lengths = new int[capacity];
        _originalLengths = new int[capacity];
        _origins = new RecordOrigin[capacity];
        _buffer = bufferBytes == 0 ? [] : System.Buffers.ArrayPool<byte>.Shared.Rent(bufferBytes);
    }

    public int Count { get; private set; }

    /// <summary>Total bytes of the records as received (before any truncation of oversized ones).</summary>
    public long ReceivedBytes { get; private set; }

    /// <summary>
    /// Event time (ms) up to which the source knows its input is complete when the batch starts, or
    /// <see cref="long.MinValue"/>. A live source that goes idle sends an empty batch with a watermark so
    /// pending re-ranks still run.
    /// </summary>
    public long Watermark { get; set; } = long.MinValue;

    /// <summary>A rebalance's changes to the state, applied before the batch's records (such a batch has none), or null.</summary>
    public Durability.PartitionHandover? Handover { get; set; }

    /// <summary>Records of the aggregate exchange topic read since the last batch, outside the watermark, or null.</summary>
    public List<Exchange.ExchangedRecord>? Exchanged { get; set; }

    /// <summary>Opaque progress marker of the source, returned with the results of this batch.</summary>
    public Batches.SourceCheckpoint? Checkpoint { get; set; }

    /// <summary>When the batch entered the pipeline (a <see cref="System.Diagnostics.Stopwatch"/> timestamp), or 0 when not measured.</summary>
    public long ArrivedAt { get; set; }

    /// <summary>The bytes of record <paramref name="index"/> (possibly a truncated prefix, see <see cref="IsTruncated"/>).</summary>
    public ReadOnlySpan<byte> Record(int index) => _buffer.AsSpan(_starts[index], _lengths[index]);

    /// <summary>The size the record had at its source.</summary>
    public int OriginalLength(int index) => _originalLengths[index];

    /// <summary>True when only a prefix of an oversized record was kept.</summary>
    public bool IsTruncated(int index) => _originalLengths[index] > _lengths[index];

    public RecordOrigin Origin(int index) => _origins[index];

    /// <summary>The record's key, tombstone flag and digest, or <c>default</c> when it came without one (a file line).</summary>
    public RecordEnvelope Envelope(int index) => _envelopes is { } envelopes && index < envelopes.Length ? envelopes[index] : default;

    /// <summary>Appends a record; <paramref name="originalLength"/> is larger than the bytes when truncated.</summary>
    public void Add(ReadOnlySpan<byte> record, int originalLength, RecordOrigin origin, RecordEnvelope envelope = default)
    {
        if (envelope != default)
        {
            _envelopes ??= new RecordEnvelope[_starts.Length];
            if (Count >= _envelopes.Length)
            {
                Array.Resize(ref _envelopes, Math.Max(_envelopes.Length * 2, Count + 1));
            }

            _envelopes[Count] = envelope;
        }

        if (Count == _starts.Length)
        {
            var capacity = Count * 2;
            Array.Resize(ref _starts, capacity);
            Array.Resize(ref _lengths, capacity);
            Array.Resize(ref _originalLengths, capacity);
            Array.Resize(ref _origins, capacity);
        }

        if (_bytes + record.Length > _buffer.Length)
        {
            var grown = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _bytes + record.Length));
            _buffer.AsSpan(0, _bytes).CopyTo(grown);
            ReturnBuffer();
            _buffer = grown;
        }

        record.CopyTo(_buffer.AsSpan(_bytes));
        _starts[Count] = _bytes;
        _lengths[Count] = record.Length;
        _originalLengths[Count] = originalLength;
        _origins[Count] = origin;
        _bytes += record.Length;
        ReceivedBytes += originalLength;
        Count++;
    }

    /// <summary>
    /// Hands the record buffer back to the pool: the last reader (the decoding stage) calls it once done; the
    /// records are unreadable afterwards. A batch never released is simply collected.
    /// </summary>
    public void Release()
    {
        ReturnBuffer();
        _buffer = [];
        _bytes = 0;
        Count = 0;
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
        }
    }

    /// <summary>Bytes currently held, to cut batches by size.</summary>
    public int BufferedBytes => _bytes;
}
