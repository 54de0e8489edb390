using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Options;

namespace StreamRec.Pipeline.Decoding;

/// <summary>
/// The one set of rules that decides whether an input record becomes an event: size, emptiness, the
/// decoder's checks, and lateness against the stream's own event time. The online decoding stage and the
/// offline replays of training and evaluation both use it, so both see exactly the same events.
/// </summary>
/// <remarks>Stateful (the stream clock) and not thread-safe: one per stream.</remarks>
public sealed class RecordValidator(PipelineOptions options, IdTables ids)
{
    private readonly EventDecoder _decoder = new(ids, options.MaxIdBytes, options.MinEventTime.ToUnixTimeMilliseconds());
    private readonly long _lateness = (long)options.MaxLateness.TotalMilliseconds;
    private long _clock = long.MinValue;

    /// <summary>Newest event time accepted so far, or <see cref="long.MinValue"/>.</summary>
    public long Clock => _clock;

    /// <summary>The latest plausible event time at wall-clock <paramref name="time"/> (read once per batch).</summary>
    public long MaxTs(TimeProvider time) => time.GetUtcNow().Add(options.MaxFutureSkew).ToUnixTimeMilliseconds();

    /// <summary>Accepts record <paramref name="index"/> of <paramref name="raw"/> as an event, or says why not.</summary>
    public bool TryAccept(RawRecordBatch raw, int index, long maxTs, out EventRecord record, out DecodeError error)
    {
        record = default;
        var bytes = raw.Record(index);
        if (raw.OriginalLength(index) > options.MaxEventBytes)
        {
            error = new DecodeError(DeadLetterReason.Oversized, $"Record is {raw.OriginalLength(index)} bytes; the limit is {options.MaxEventBytes}.");
            return false;
        }

        if (bytes.Trim(" \t"u8).IsEmpty)
        {
            error = new DecodeError(DeadLetterReason.EmptyRecord, "Empty record.");
            return false;
        }

        if (!_decoder.TryDecode(bytes, maxTs, out record, out error))
        {
            return false;
        }

        if (_clock != long.MinValue && record.Ts < _clock - _lateness)
        {
            error = new DecodeError(DeadLetterReason.TimestampTooLate,
                $"Event time {record.Ts} is more than {options.MaxLateness} behind the stream's event time {_clock}.");
            return false;
        }

        _clock = Math.Max(_clock, record.Ts);
        return true;
    }
}
