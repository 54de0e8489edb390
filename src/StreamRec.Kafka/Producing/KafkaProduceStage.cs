using System.Text;
using System.Text.Json;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Batches;

namespace StreamRec.Kafka.Producing;

/// <summary>
/// Produces each batch's deltas (key <c>user_id</c>) and dead letters, and emits the batch once the broker
/// acknowledged all of it and every batch before it, so a checkpoint is only ever committed after its
/// output is durable. In-flight messages are bounded: the stage stops pulling above the limit. The first
/// failed delivery fails the stream; nothing is dropped or retried silently beyond librdkafka's own
/// idempotent retries, which keep per-key order.
/// </summary>
internal sealed class KafkaProduceStage : GraphStage<FlowShape<EventBatch, ProducedBatch>>
{
    /// <summary>Batches taken in but not yet acknowledged at most, however few messages they hold.</summary>
    internal const int MaxPendingBatches = 256;

    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly KafkaTopics _topics;
    private readonly int _maxInFlight;
    private readonly int _maxDeadLetterBytes;
    private readonly DeltaFloors? _floors;
    private readonly Pipeline.Durability.PartitionOwnership? _exchange;

    // The exchange's ownership is told of each exchange record the broker answered for, so a revocation can wait for them.
    public KafkaProduceStage(
        IProducer<byte[]?, byte[]?> producer, KafkaTopics topics, int maxInFlight, int maxDeadLetterBytes, DeltaFloors? floors = null,
        Pipeline.Durability.PartitionOwnership? exchange = null)
    {
        _floors = floors;
        _exchange = exchange;
        _producer = producer;
        _topics = topics;
        _maxInFlight = maxInFlight;
        _maxDeadLetterBytes = maxDeadLetterBytes;
        Shape = new FlowShape<EventBatch, ProducedBatch>(new Inlet<EventBatch>("KafkaProduce.in"), new Outlet<ProducedBatch>("KafkaProduce.out"));
    }

    public override FlowShape<EventBatch, ProducedBatch> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("KafkaProduce");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Pending(StreamRec.Pipeline.Batches.SourceCheckpoint? checkpoint, int deltas, int deadLetters, int contributions)
    {
        // One more than the messages, released after the last send, so the batch cannot complete mid-send.
        public int Remaining = deltas + deadLetters + contributions + 1;

        public ProducedBatch Result { get; } = new(checkpoint, deltas, deadLetters);
    }

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly KafkaProduceStage _stage;
        private readonly Queue<Pending> _pending = new();
        private Action<Error>? _failed;
        private Action? _completed;
        private int _inFlight;
        private int _completedQueued;

        public Logic(KafkaProduceStage stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage.Shape.Inlet, this);
            SetHandler(stage.Shape.Outlet, this);
        }

        public override void PreStart()
        {
            _failed = GetAsyncCallback<Error>(error => FailStage(new ProduceException<byte[]?, byte[]?>(error, null)));
            var completed = GetAsyncCallback(OnCompleted);
            _completed = () =>
            {
                if (Interlocked.Exchange(ref _completedQueued, 1) == 0)
                {
                    completed();
                }
            };
        }

        public override void OnPush()
        {
            var batch = Grab(_stage.Shape.Inlet);
            var pending = new Pending(batch.Checkpoint, batch.Deltas.Count, batch.DeadLetters.Count, batch.Published.Count);
            _pending.Enqueue(pending);
            try
            {
                foreach (var delta in batch.Deltas)
                {
                    Send(_stage._topics.Deltas, pending, _stage._floors, new Message<byte[]?, byte[]?>
                    {
                        Key = Encoding.UTF8.GetBytes(delta.UserId),
                        // A forgotten user's withdrawal is a tombstone, so compacted copies of the topic drop the user too.
                        Value = delta.Forgotten ? null : DeltaJson.ToUtf8Bytes(delta),
                        Timestamp = new Timestamp(delta.Ts, TimestampType.CreateTime),
                    });
                }

                foreach (var letter in batch.DeadLetters)
                {
                    Send(_stage._topics.DeadLetters, pending, null, DeadLetterHeaders.ToMessage(letter, _stage._maxDeadLetterBytes));
                }

                // Acknowledged with the batch, so a checkpoint whose exchange marks count a contribution never commits
                // before the other instances can read it.
                foreach (var contribution in batch.Published)
                {
                    Send(_stage._topics.Aggregates, pending, null, new Message<byte[]?, byte[]?>
                    {
                        Key = Encoding.UTF8.GetBytes(contribution.Partition.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        Value = contribution.Value,
                    }, _stage._exchange);
                }
            }
            catch (KafkaException ex)
            {
                // For example a full local queue or an oversized message: the batch cannot be written.
                FailStage(ex);
                return;
            }

            Release(pending);
            OnCompleted();
        }

        public override void OnPull() => OnCompleted();

        public override void OnUpstreamFinish()
        {
            if (_pending.Count == 0)
            {
                CompleteStage();
            }
        }

        private void Send(string topic, Pending pending, DeltaFloors? floors, Message<byte[]?, byte[]?> message, Pipeline.Durability.PartitionOwnership? delivered = null)
        {
            Interlocked.Increment(ref _inFlight);
            _stage._producer.Produce(topic, message, report =>
            {
                // librdkafka's delivery thread: count down, and wake the stage only when it matters.
                Interlocked.Decrement(ref _inFlight);
                delivered?.Delivered();
                if (report.Error.IsError)
                {
                    _failed!(report.Error);
                }
                else
                {
                    floors?.Acknowledged(report.Partition.Value, report.Offset.Value);
                    Release(pending);
                }
            });
        }

        private void Release(Pending pending)
        {
            if (Interlocked.Decrement(ref pending.Remaining) == 0)
            {
                _completed!();
            }
        }

        private void OnCompleted()
        {
            Volatile.Write(ref _completedQueued, 0);
            var outlet = _stage.Shape.Outlet;
            if (_pending.TryPeek(out var head) && Volatile.Read(ref head.Remaining) == 0 && IsAvailable(outlet))
            {
                Push(outlet, _pending.Dequeue().Result);
            }

            var inlet = _stage.Shape.Inlet;
            if (IsClosed(inlet))
            {
                if (_pending.Count == 0)
                {
                    CompleteStage();
                }
            }
            else if (!HasBeenPulled(inlet) && Volatile.Read(ref _inFlight) < _stage._maxInFlight && _pending.Count < MaxPendingBatches)
            {
                Pull(inlet);
            }
        }
    }
}
