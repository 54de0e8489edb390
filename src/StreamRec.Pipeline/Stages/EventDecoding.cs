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
    protected override (Func<RawRecordBatch, EventBatch> Step, IDisposable? Owned) CreateOwnedStep() => (new Step(options, state, metrics, time).Process, null);

    private sealed class Step(PipelineOptions options, PipelineState state, PipelineMetrics metrics, TimeProvider time)
    {
        private readonly RecordValidator _validator = new(options, state.Ids);

        public EventBatch Process(RawRecordBatch raw)
        {
            var batch = new EventBatch { RecordsIn = raw.Count, Checkpoint = raw.Checkpoint, Watermark = raw.Watermark };
            batch.Events.EnsureCapacity(raw.Count);
            var maxTs = _validator.MaxTs(time);
            for (var i = 0; i < raw.Count; i++)
            {
                if (!_validator.TryAccept(raw, i, maxTs, out var record, out var error))
                {
                    batch.DeadLetters.Add(DeadLetterOf(raw, i, error));
                    metrics.AddDeadLetter(error.Reason);
                    continue;
                }

                batch.Events.Add(record);
            }

            metrics.AddRecords(raw.Count, batch.Events.Count);
            raw.Release();
            return batch;
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
