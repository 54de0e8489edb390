using Akka.Streams;
using Akka.Streams.Stage;
using StreamRec.Pipeline.Input;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// Source of <see cref="RawRecordBatch"/>es merged in event-time order from a consumer-group member over
/// the user topics and a global reader of the rooms topic. Polling happens on the consumers' own threads;
/// this stage only merges what they buffered, when downstream asks for more.
/// </summary>
internal sealed class KafkaSourceStage : GraphStageWithMaterializedValue<SourceShape<RawRecordBatch>, KafkaSourceControl>
{
    private readonly Func<KafkaSourceControl> _createControl;
    private readonly Func<EventTimeMerger> _createMerger;
    private readonly int _batchSize;
    private readonly bool _stopWhenCaughtUp;

    public KafkaSourceStage(Func<KafkaSourceControl> createControl, Func<EventTimeMerger> createMerger, int batchSize, bool stopWhenCaughtUp)
    {
        _createControl = createControl;
        _createMerger = createMerger;
        _batchSize = batchSize;
        _stopWhenCaughtUp = stopWhenCaughtUp;
        Shape = new SourceShape<RawRecordBatch>(new Outlet<RawRecordBatch>("KafkaSource.out"));
    }

    public override SourceShape<RawRecordBatch> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName("KafkaSource");

    public override ILogicAndMaterializedValue<KafkaSourceControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var control = _createControl();
        return new LogicAndMaterializedValue<KafkaSourceControl>(new Logic(this, control, _createMerger()), control);
    }

    private sealed class Logic : TimerGraphStageLogic, IOutHandler
    {
        private const string RetryTimer = "merge";
        private static readonly TimeSpan HeldBackRetry = TimeSpan.FromMilliseconds(20);

        private readonly KafkaSourceStage _stage;
        private readonly KafkaSourceControl _control;
        private readonly EventTimeMerger _merger;
        private IReadOnlyList<PartitionBuffer>? _usersSeen;
        private IReadOnlyList<PartitionBuffer>? _roomsSeen;
        private PartitionBuffer[] _inputs = [];
        private int _wakePending;

        public Logic(KafkaSourceStage stage, KafkaSourceControl control, EventTimeMerger merger)
            : base(stage.Shape)
        {
            _stage = stage;
            _control = control;
            _merger = merger;
            SetHandler(stage.Shape.Outlet, this);
        }

        public override void PreStart()
        {
            var wake = GetAsyncCallback(OnWake);
            var stop = GetAsyncCallback(CompleteStage);
            _control.StopRequested.ContinueWith(_ => stop(), TaskScheduler.Default);
            var outage = GetAsyncCallback<Exception>(FailStage);
            _control.Outage.Exceeded.ContinueWith(t => outage(t.Exception!.InnerException!), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

            // The polling threads call this per burst of records; one callback is queued at a time.
            void Wake()
            {
                if (Interlocked.Exchange(ref _wakePending, 1) == 0)
                {
                    wake();
                }
            }

            _control.Rooms.Start(Wake);
            _control.Users.Start(Wake);
            _control.Exchange?.Start(Wake);
        }

        public void OnPull() => TryPush();

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        protected override void OnTimer(object timerKey) => TryPush();

        private void OnWake()
        {
            Volatile.Write(ref _wakePending, 0);
            TryPush();
        }

        private void TryPush()
        {
            if ((_control.Users.Failure ?? _control.Rooms.Failure ?? _control.Exchange?.Failure) is { } failure)
            {
                FailStage(failure);
                return;
            }

            if (!IsAvailable(_stage.Shape.Outlet))
            {
                return;
            }

            // The inputs first, then the handover: a rebalance queues its handover before it publishes the partitions,
            // so records of a partition restored from the changelog can never overtake its restore.
            var inputs = Inputs();
            if (_control.Users.TakeHandover() is { } handover)
            {
                // With the positions as they now stand, so a checkpoint (a stop's, say) can follow the restore at once.
                _merger.Handover(_control.Users.Topics, handover);
                var restore = _merger.PositionsOnly(_control.Users);
                restore.Handover = handover;
                Push(_stage.Shape.Outlet, restore);
                return;
            }

            if (!_control.Users.IsReady || !_control.Rooms.IsReady)
            {
                // Nothing is taken before both consumers know their partitions, else rooms would run ahead of users.
                return;
            }

            if (_control.Exchange is { IsCaughtUp: false } exchange)
            {
                // Partitions arrived or moved: first what other instances already counted of them, then their input.
                if (exchange.TakeAll() is { } catchingUp)
                {
                    Push(_stage.Shape.Outlet, ExchangeOnly(catchingUp));
                }
                else
                {
                    RetryHeldBack(exchange);
                }

                return;
            }

            var outcome = _merger.Next(inputs, _stage._batchSize, _control.Users);
            if (outcome.CaughtUp && _stage._stopWhenCaughtUp)
            {
                CompleteStage();
                return;
            }

            if (outcome.Batch is { } batch)
            {
                CancelTimer(RetryTimer);
                batch.Exchanged = _control.Exchange?.TakeAll();
                Push(_stage.Shape.Outlet, batch);
                return;
            }

            if (_control.Exchange?.TakeAll() is { } exchanged)
            {
                // Other instances' contributions go on without input of ours; event time stays where it was.
                Push(_stage.Shape.Outlet, ExchangeOnly(exchanged));
            }
            else if (_control.Exchange is { HasRecords: true } && (outcome.RetryAfter is not { } wait || wait > HeldBackRetry))
            {
                ScheduleOnce(RetryTimer, HeldBackRetry);
                return;
            }

            if (outcome.RetryAfter is { } retry)
            {
                ScheduleOnce(RetryTimer, retry);
            }
        }

        /// <summary>
        /// Records the reader keeps while the core holds too many to take more: no wake comes for them (the reader waits
        /// for the stream) and no pull either (the outlet stays free), so the stage looks again shortly.
        /// </summary>
        private void RetryHeldBack(ExchangeReader exchange)
        {
            if (exchange.HasRecords)
            {
                ScheduleOnce(RetryTimer, HeldBackRetry);
            }
        }

        /// <summary>A batch of exchange records alone: the last batch's watermark, so event time does not move.</summary>
        private RawRecordBatch ExchangeOnly(List<Pipeline.Exchange.ExchangedRecord> records) =>
            new(0, 0) { Watermark = _merger.LastBatchWatermark, Exchanged = records };

        private PartitionBuffer[] Inputs()
        {
            var users = _control.Users.Inputs;
            var rooms = _control.Rooms.Inputs;
            if (!ReferenceEquals(users, _usersSeen) || !ReferenceEquals(rooms, _roomsSeen))
            {
                if (!ReferenceEquals(users, _usersSeen))
                {
                    _control.Exchange?.RequestCatchUp();
                }

                _usersSeen = users;
                _roomsSeen = rooms;
                _inputs = [.. rooms, .. users];
            }

            return _inputs;
        }
    }
}
