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
    protected override (Func<RawRecordBatch, EventBatch> Step, Func<EventBatch?>? Finish, IDisposable? Owned) CreateOwnedStep()
    {
        var step = new Step(options, state, metrics, time);
        return (step.Process, step.Finish, null);
    }

    private sealed class Step(PipelineOptions options, PipelineState state, PipelineMetrics metrics, TimeProvider time)
    {
        private readonly RecordValidator _validator = new(options, state.Ids);
        private readonly List<RejectedRecord> _rejected = [];
        private readonly List<SourceCheckpoint> _deferred = [];
        private bool _restored;
        private IReadOnlyList<Input.RecordOrigin>? _lastPositions;
        private long _lastWatermark = long.MinValue;

        // Something changed the state since the last checkpoint request: a batch that carries only positions asks for one.
        private bool _owed;

        public EventBatch Process(RawRecordBatch raw)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var batch = new EventBatch { RecordsIn = raw.Count, Watermark = raw.Watermark, ArrivedAt = raw.ArrivedAt };
            batch.Events.EnsureCapacity(raw.Count);
            RestoreOnce();
            if (raw.Handover is { } handover)
            {
                batch.Handover = Durability.ChangelogRestorer.Decode(handover, options, state.Ids);
            }

            _validator.Validate(raw, _validator.MaxTs(time), batch.Events, _rejected);
            if (raw.Exchanged is { Count: > 0 } exchanged)
            {
                batch.Received = DecodeExchanged(exchanged);
            }

            AddDeadLetters(batch);
            metrics.AddRecords(raw.Count, batch.Events.Count);
            raw.Release();

            // The positions alone, with nothing changed since the last request: nothing to checkpoint or acknowledge.
            var idle = batch.RecordsIn == 0 && raw.Handover is null && raw.Watermark == _lastWatermark && batch.Received is null;
            batch.Checkpoint = idle && !_owed ? null : Checkpoint(raw.Checkpoint);
            if (batch.Checkpoint is { } done)
            {
                _lastPositions = done.Positions;
            }

            metrics.AddStepTime(PipelineStep.Decode, System.Diagnostics.Stopwatch.GetTimestamp() - started);
            _owed |= !idle;
            _lastWatermark = raw.Watermark;
            if (batch.Checkpoint is not null && _owed && state.Checkpoints is { } checkpoints && checkpoints.TryRequest())
            {
                var snapshot = new Durability.SnapshotWriter();
                _validator.Save(snapshot);
                batch.CheckpointRequest = new Durability.CheckpointRequest(snapshot.Written.ToArray());
                _owed = false;
            }

            return batch;
        }

        /// <summary>Other instances' contributions, interned here as everything else is; one that cannot be read is a dead letter.</summary>
        private List<Exchange.RemoteContribution> DecodeExchanged(List<Exchange.ExchangedRecord> exchanged)
        {
            var received = new List<Exchange.RemoteContribution>(exchanged.Count);
            foreach (var record in exchanged)
            {
                try
                {
                    received.Add(Exchange.ContributionCodec.Decode(
                        record.Value, options.Partitions, options.VectorDimensions, options.CoEngagement.HalfLife, state.Ids));
                }
                catch (InvalidDataException ex)
                {
                    // Dead-lettered and counted with the batch's other rejected records.
                    _rejected.Add(new RejectedRecord(
                        new DecodeError(DeadLetterReason.InvalidContribution, ex.Message), record.Origin, record.Value, record.Value.Length));
                }
            }

            return received;
        }

        /// <summary>A restored instance's validator carries on from the checkpoint's event-time progress.</summary>
        private void RestoreOnce()
        {
            if (!_restored && state.Checkpoints?.RestoredValidator is { Length: > 0 } saved)
            {
                _validator.Load(new Durability.SnapshotReader(saved));
            }

            _restored = true;
        }

        /// <summary>The input ended: records still held are dead letters now.</summary>
        public EventBatch? Finish()
        {
            if (state.Checkpoints is { ResumesAfterStop: true })
            {
                return StopCheckpoint();
            }

            _validator.Complete(_rejected);
            if (_rejected.Count == 0 && _deferred.Count == 0)
            {
                return null;
            }

            var batch = new EventBatch();
            AddDeadLetters(batch);
            batch.Checkpoint = Checkpoint(null);
            return batch;
        }

        /// <summary>
        /// A stop of an input that goes on (Kafka) is not its end: held records stay held (they are read again),
        /// and an empty batch carries a checkpoint of the state as it stands, at the last positions the source sent
        /// (none sent: nothing to account for; a source with durable state sends them with a restore, so the
        /// restored users are stored even when no record followed).
        /// </summary>
        private EventBatch? StopCheckpoint()
        {
            if (_validator.IsHolding || _lastPositions is null)
            {
                return null;
            }

            var snapshot = new Durability.SnapshotWriter();
            _validator.Save(snapshot);
            return new EventBatch
            {
                Checkpoint = new PositionCheckpoint(_lastPositions),
                CheckpointRequest = new Durability.CheckpointRequest(snapshot.Written.ToArray()),
            };
        }

        /// <summary>While records are held, checkpoints wait: committing them would skip the held records after a crash.</summary>
        private SourceCheckpoint? Checkpoint(SourceCheckpoint? checkpoint)
        {
            if (checkpoint is not null)
            {
                _deferred.Add(checkpoint);
            }

            if (_validator.IsHolding || _deferred.Count == 0)
            {
                return null;
            }

            SourceCheckpoint result = _deferred.Count == 1 ? _deferred[0] : new CheckpointChain([.. _deferred]);
            _deferred.Clear();
            return result;
        }

        private void AddDeadLetters(EventBatch batch)
        {
            foreach (var rejected in _rejected)
            {
                batch.DeadLetters.Add(DeadLetterOf(rejected));
                metrics.AddDeadLetter(rejected.Error.Reason);
            }

            _rejected.Clear();
        }

        private static DeadLetter DeadLetterOf(in RejectedRecord rejected)
        {
            var bytes = rejected.Bytes;
            var envelope = rejected.Envelope;
            var truncated = rejected.IsTruncated ? $" (raw holds the first {bytes.Length} bytes)" : string.Empty;
            var text = !envelope.IsTombstone && Utf8.IsValid(bytes);
            var key = envelope.Key;
            var keyText = key is not null && Utf8.IsValid(key);
            return new DeadLetter
            {
                Reason = rejected.Error.Reason,
                Message = rejected.Error.Message + truncated,
                Source = rejected.Origin.ToString(),
                Raw = text ? Encoding.UTF8.GetString(bytes) : null,
                RawBase64 = text || envelope.IsTombstone ? null : Convert.ToBase64String(bytes),
                Key = keyText ? Encoding.UTF8.GetString(key!) : null,
                KeyBase64 = key is not null && !keyText ? Convert.ToBase64String(key) : null,
                Tombstone = envelope.IsTombstone,
                OriginalBytes = rejected.IsTruncated ? rejected.OriginalLength : null,
                OriginalSha256 = rejected.IsTruncated ? envelope.OriginalSha256 : null,
            };
        }
    }
}
