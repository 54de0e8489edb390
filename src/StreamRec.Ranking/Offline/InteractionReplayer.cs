using System.Text.Json;
using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;

namespace StreamRec.Ranking.Offline;

/// <summary>
/// Replays an event log without Akka through the pipeline's own stateful core (<see cref="StreamCore"/>, one partition,
/// no ranking), and reports every visit that starts with a click together with the features of all rooms live at that
/// moment, computed by <see cref="FeatureExtractor"/> from the state just before the click, and whether retrieval would
/// have offered each. Training and evaluation both read logs through this class, so offline features are the online ones.
/// </summary>
/// <remarks>
/// A visit is a run of one user's events on one live session of one room; a click on another room (or on a new session
/// of the same room) starts the next. Only its first click is a case: the repeats that follow are consequences of the
/// recommendation, not new decisions, and counting them would reward "recommend what the user is watching".
/// Records the online decoder would reject (malformed, oversized, later than <see cref="PipelineOptions.MaxLateness"/>)
/// are skipped the same way. A case carries its click's <c>event_id</c> (to join it with the simulator's truth);
/// the ids are read off the raw records of the clicks in the cases' span and held only until their click is applied.
/// A batch whose records the validator held back or released (event-time jumps) leaves its clicks without an id.
/// </remarks>
public sealed class InteractionReplayer(PipelineOptions options, TimeProvider time)
{
    private readonly PipelineOptions _options = options.Validate();
    private readonly TimeProvider _time = time;

    /// <summary>Reads the log once for its event-time span, to place a time split.</summary>
    /// <exception cref="InvalidDataException">The log holds no valid event.</exception>
    public LogTimeRange ScanTimeRange(string path, CancellationToken cancellationToken)
    {
        var first = long.MaxValue;
        var last = long.MinValue;
        using var run = new Run(this, path, long.MaxValue, observer: null);
        run.Execute(e =>
        {
            first = Math.Min(first, e.Ts);
            last = Math.Max(last, e.Ts);
            return false;
        }, cancellationToken);
        if (first > last)
        {
            throw new InvalidDataException($"Log '{path}' holds no valid event.");
        }

        return new LogTimeRange(first, last);
    }

    /// <summary>
    /// Replays <paramref name="path"/> from the start (so the state is complete) and reports the visits whose first
    /// click is at or after <paramref name="casesFrom"/> to <paramref name="observer"/>.
    /// </summary>
    public ReplayStatistics Replay(string path, long casesFrom, IInteractionObserver observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(observer);
        using var run = new Run(this, path, casesFrom, observer);
        run.Execute(apply: null, cancellationToken);
        return run.Statistics;
    }

    /// <summary>The state of one pass over a log: the pipeline's own core without ranking, observed before each user event.</summary>
    private sealed class Run : IUserEventObserver, IDisposable
    {
        private readonly PipelineOptions _options;
        private readonly TimeProvider _time;
        private readonly string _path;
        private readonly long _casesFrom;
        private readonly IInteractionObserver? _observer;
        private readonly PipelineState _state;
        private readonly StreamCore _core;
        private readonly TickSlicer _slicer;
        private readonly FeatureExtractor _features;
        private readonly CandidateRetrieval _retrieval;
        private readonly UserContext _user;
        private readonly UserState _blankUser;
        private readonly List<int> _retrieved = [];
        private readonly List<RoomContext> _rooms = [];
        private readonly InteractionCase _case = new();
        private readonly Dictionary<int, (int Room, long Session, int CaseId)> _visits = [];
        private readonly Dictionary<(int User, long Ts, int Room), string> _clickIds = [];
        private readonly HashSet<long> _rejectedLines = [];
        private long _events;
        private long _rejected;
        private long _cases;
        private long _notLive;
        private long _first = long.MaxValue;
        private long _last = long.MinValue;

        public Run(InteractionReplayer owner, string path, long casesFrom, IInteractionObserver? observer)
        {
            // One partition: cases are observed in log order, as the single-threaded offline protocol needs.
            _options = owner._options with { Partitions = 1 };
            _time = owner._time;
            _path = path;
            _casesFrom = casesFrom;
            _observer = observer;
            _state = PipelineState.InMemory(_options);
            _core = new StreamCore(_options, _state, scorer: null, new PipelineMetrics(), observer is null ? null : this);
            _slicer = new TickSlicer(_options.RerankTick);
            _features = new FeatureExtractor(_options, _state);
            _retrieval = new CandidateRetrieval(_options, _state);
            _user = new UserContext(_options.VectorDimensions);
            _blankUser = new UserState(_options.VectorDimensions, _options.MaxAffinities, _options.TopK + _options.RankedRunnersUp);
        }

        public void Dispose() => _core.Dispose();

        public ReplayStatistics Statistics => new(_events, _rejected, _cases, _notLive, _first == long.MaxValue ? 0 : _first, _last == long.MinValue ? 0 : _last);

        /// <summary>Decodes every record; <paramref name="apply"/> (when given) replaces observing and applying.</summary>
        public void Execute(Func<EventRecord, bool>? apply, CancellationToken cancellationToken)
        {
            if (!File.Exists(_path))
            {
                throw new FileNotFoundException($"Input log '{_path}' does not exist or is not a file.", _path);
            }

            using var reader = new JsonLinesReader(_path, _options.MaxEventBytes);
            var validator = new RecordValidator(_options, _state.Ids);
            var accepted = new List<EventRecord>();
            var rejected = new List<RejectedRecord>();
            while (reader.ReadBatch(_options.BatchSize) is { } raw)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var holding = validator.IsHolding;
                validator.Validate(raw, validator.MaxTs(_time), accepted, rejected);
                if (apply is null && !holding && !validator.IsHolding)
                {
                    NoteClickIds(raw, accepted, rejected);
                }

                Apply(accepted, rejected, apply);
            }

            validator.Complete(rejected);
            Apply(accepted, rejected, apply);
            if (apply is null)
            {
                _core.Process(_slicer.Final());
            }
        }

        /// <summary>
        /// Pairs each accepted click of the cases' span with its raw record (records leave the validator in order,
        /// less the rejected ones, when none is held) and keeps its event id.
        /// </summary>
        private void NoteClickIds(RawRecordBatch raw, List<EventRecord> accepted, List<RejectedRecord> rejected)
        {
            if (accepted.Count + rejected.Count != raw.Count)
            {
                return;
            }

            _rejectedLines.Clear();
            foreach (var r in rejected)
            {
                _rejectedLines.Add(r.Origin.Position);
            }

            var k = 0;
            for (var i = 0; i < raw.Count && k < accepted.Count; i++)
            {
                if (_rejectedLines.Contains(raw.Origin(i).Position))
                {
                    continue;
                }

                var e = accepted[k++];
                if (e.Kind == EventKind.Click && e.Ts >= _casesFrom && EventIdOf(raw.Record(i)) is { } id)
                {
                    _clickIds[(e.User, e.Ts, e.Room)] = id;
                }
            }
        }

        private static string? EventIdOf(ReadOnlySpan<byte> json)
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("event_id"u8))
                {
                    return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth > 0)
                {
                    reader.Skip();
                }
            }

            return null;
        }

        private void Apply(List<EventRecord> accepted, List<RejectedRecord> rejected, Func<EventRecord, bool>? apply)
        {
            _rejected += rejected.Count;
            rejected.Clear();
            var batch = new EventBatch();
            foreach (var record in accepted)
            {
                _events++;
                _first = Math.Min(_first, record.Ts);
                _last = Math.Max(_last, record.Ts);
                if (apply is not null)
                {
                    apply(record);
                    continue;
                }

                batch.Events.Add(record);
            }

            accepted.Clear();
            if (apply is null)
            {
                foreach (var slice in _slicer.Slice(batch))
                {
                    _core.Process(slice);
                }
            }
        }

        public void BeforeUserEvent(in EventRecord e, UserState? user)
        {
            string? eventId = null;
            if (e.Kind == EventKind.Click && e.Ts >= _casesFrom)
            {
                _clickIds.Remove((e.User, e.Ts, e.Room), out eventId);
            }

            var room = _state.Rooms.FindRoom(e.Room);
            var session = room is { IsLive: true } ? room.StartTs : long.MinValue;
            if (_visits.TryGetValue(e.User, out var visit) && visit.Room == e.Room && visit.Session == session)
            {
                if (visit.CaseId >= 0)
                {
                    _observer!.OnVisitEngagement(visit.CaseId, e.Kind);
                }

                return;
            }

            var caseId = -1;
            if (e.Kind == EventKind.Click && e.Ts >= _casesFrom)
            {
                if (session == long.MinValue)
                {
                    _notLive++;
                }
                else
                {
                    caseId = (int)_cases++;
                    Build(e, user ?? _blankUser, caseId);
                    _case.EventId = eventId;
                    _observer!.OnCase(_case);
                }
            }

            _visits[e.User] = (e.Room, session, caseId);
        }

        private void Build(in EventRecord e, UserState user, int caseId)
        {
            var live = _state.Rooms.LiveRooms;
            _case.Reset(live.Count);
            _case.Id = caseId;
            _case.Ts = e.Ts;
            _case.User = e.User;
            _case.Room = e.Room;
            _case.Streamer = e.Streamer;
            _case.IsRepeat = user.HasAffinity(e.Streamer);
            _features.PrepareUser(user, e.Ts, _user);
            _retrieval.Collect(user, _user, e.Ts, _retrieved);
            var retrieved = _retrieved.ToHashSet();
            for (var i = 0; i < live.Count; i++)
            {
                if (i == _rooms.Count)
                {
                    _rooms.Add(new RoomContext(_options.VectorDimensions));
                }

                var room = _state.Rooms.GetOrAddRoom(live[i]);
                _features.PrepareRoom(room, e.Ts, _rooms[i]);
                FeatureExtractor.Extract(_user, _rooms[i], _case.WritableRow(i));
                var affinity = user.AffinityOf(room.Streamer);
                var lastEngaged = affinity.Value > 0 ? affinity.Ts : long.MinValue;
                _case.SetCandidate(i, room.Room, (float)room.Popularity.At(e.Ts, _options.PopularityHalfLife), lastEngaged, retrieved.Contains(room.Room));
                _case.SetCandidateRoom(i, room.Streamer, room.Category);
                if (room.Room == e.Room)
                {
                    _case.TargetIndex = i;
                }
            }
        }
    }
}
