using System.Text;
using System.Text.Unicode;
using StreamRec.Contracts.Outputs;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Stages;

/// <summary>
/// Decode + validate: raw records in, decoded events out. Every rejected record becomes a dead letter
/// with its reason and origin; none is dropped and none stops the stream.
/// </summary>
internal sealed class EventDecoding(PipelineOptions options, PipelineState state, PipelineMetrics metrics, TimeProvider time)
    : BatchFlowStage<RawRecordBatch, EventBatch>(nameof(EventDecoding))
{
    protected override Func<RawRecordBatch, EventBatch> CreateStep() => new Step(options, state, metrics, time).Process;

    private sealed class Step(PipelineOptions options, PipelineState state, PipelineMetrics metrics, TimeProvider time)
    {
        private readonly EventDecoder _decoder = new(state.Ids, options.MaxIdBytes, options.MinEventTime.ToUnixTimeMilliseconds());
        private readonly long _lateness = (long)options.MaxLateness.TotalMilliseconds;
        private long _clock = long.MinValue;

        public EventBatch Process(RawRecordBatch raw)
        {
            var batch = new EventBatch { RecordsIn = raw.Count, Checkpoint = raw.Checkpoint, Watermark = raw.Watermark };
            var maxTs = time.GetUtcNow().Add(options.MaxFutureSkew).ToUnixTimeMilliseconds();
            for (var i = 0; i < raw.Count; i++)
            {
                var bytes = raw.Record(i);
                if (Validate(raw, i, bytes, maxTs, out var record) is { } error)
                {
                    batch.DeadLetters.Add(DeadLetterOf(raw, i, error));
                    metrics.AddDeadLetter(error.Reason);
                    continue;
                }

                _clock = Math.Max(_clock, record.Ts);
                batch.Events.Add(record);
            }

            metrics.AddRecords(raw.Count, batch.Events.Count);
            return batch;
        }

        private DecodeError? Validate(RawRecordBatch raw, int index, ReadOnlySpan<byte> bytes, long maxTs, out EventRecord record)
        {
            record = default;
            if (raw.OriginalLength(index) > options.MaxEventBytes)
            {
                return new DecodeError(DeadLetterReason.Oversized,
                    $"Record is {raw.OriginalLength(index)} bytes; the limit is {options.MaxEventBytes}.");
            }

            if (bytes.Trim(" \t"u8).IsEmpty)
            {
                return new DecodeError(DeadLetterReason.EmptyRecord, "Empty record.");
            }

            if (!_decoder.TryDecode(bytes, maxTs, out record, out var error))
            {
                return error;
            }

            if (_clock != long.MinValue && record.Ts < _clock - _lateness)
            {
                return new DecodeError(DeadLetterReason.TimestampTooLate,
                    $"Event time {record.Ts} is more than {options.MaxLateness} behind the stream's event time {_clock}.");
            }

            return null;
        }

        private static DeadLetter DeadLetterOf(RawRecordBatch raw, int index, DecodeError error)
        {
            var bytes = raw.Record(index);
            var truncated = raw.IsTruncated(index) ? $" (raw holds the first {bytes.Length} bytes)" : string.Empty;
            var text = Utf8.IsValid(bytes);
            return new DeadLetter
            {
                Reason = error.Reason,
                Message = error.Message + truncated,
                Source = raw.Origin(index).ToString(),
                Raw = text ? Encoding.UTF8.GetString(bytes) : null,
                RawBase64 = text ? null : Convert.ToBase64String(bytes),
            };
        }
    }
}
