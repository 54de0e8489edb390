namespace StreamRec.Simulation;

/// <summary>
/// Runs the world forward in event time, one event at a time, and hands out the logged events in log order.
/// Only what is still to happen is held (a visit per viewer, the rest of the watches in progress, one
/// session per room), so memory grows with the world, not with the log.
/// </summary>
internal sealed class WorldSweep
{
    private const long Second = 1000;
    private const long Minute = 60 * Second;

    private readonly long _start;
    private readonly long _end;
    private readonly RoomSessions _sessions;
    private readonly LiveRooms _live;
    private readonly Viewers _viewers;
    private readonly ViewerHistory _history;
    private readonly RoomChooser _chooser;
    private readonly Timeline _timeline;
    private readonly SimulationOptions _options;
    private readonly double[]? _chances;
    private List<VisitTruth>? _truths;

    /// <param name="options">The world.</param>
    /// <param name="truth">Whether <see cref="Fill"/> reports each visit's <see cref="VisitTruth"/> (costs a pass over every room per visit).</param>
    public WorldSweep(SimulationOptions options, bool truth = false)
    {
        _options = options.Validate();
        _start = options.Start.ToUnixTimeMilliseconds();
        _end = _start + (long)options.Duration.TotalMilliseconds;
        var buckets = new RoomBuckets(options.SubGenres, options.PriceLevels);
        Rooms = RoomTable.Create(options.Rooms, new DeterministicRandom(SplitMix.Seed(options.Seed, 1, 0)), buckets, options.Seed);
        _sessions = new RoomSessions(options.Rooms, options.Seed, _start, _end);
        _live = new LiveRooms(Rooms);
        _viewers = new Viewers(options.Users, options.Seed, options.VisitsPerUserHour, options);
        _history = new ViewerHistory(options.Users, Rooms.Streamers);
        _chooser = new RoomChooser(Rooms, _live, _viewers, _history, options.SessionStay);
        _timeline = new Timeline(_start, _end);
        _chances = truth ? new double[Rooms.Count] : null;
        for (var r = 0; r < Rooms.Count; r++)
        {
            if (_sessions.TryFirst(r, out var from))
            {
                ScheduleStart(r, from);
            }
        }

        for (var u = 0; u < _viewers.Count; u++)
        {
            ScheduleVisit(u, -1, _start + (long)SplitMix.Exponential(ref _viewers.Random(u), _viewers.MeanGap(u)));
            ScheduleDrift(u);
        }
    }

    public RoomTable Rooms { get; }

    /// <summary>The viewers as they are now (their tastes after any drift so far).</summary>
    public Viewers Viewers => _viewers;

    /// <summary>The most rooms live at once so far.</summary>
    public int PeakLiveRooms => _live.Peak;

    /// <summary>Viewers whose taste has drifted so far.</summary>
    public int Drifts { get; private set; }

    /// <summary>
    /// Writes the next logged events into <paramref name="destination"/>; fewer than it holds only at the end, 0 after
    /// it. The first click of each visit has <see cref="WorldEvent.Data"/> 1 (later clicks 0); with the truth on,
    /// each such click's <see cref="VisitTruth"/> is appended to <paramref name="truths"/>, in the clicks' order.
    /// </summary>
    public int Fill(Span<WorldEvent> destination, List<VisitTruth>? truths = null)
    {
        _truths = _chances is null ? null : truths;
        var count = 0;
        while (count < destination.Length && _timeline.TryTake(out var e))
        {
            if (Apply(ref e))
            {
                destination[count++] = e;
            }
        }

        return count;
    }

    /// <summary>Lets <paramref name="e"/> happen; true if it is logged (a visit turns into its first click).</summary>
    private bool Apply(ref WorldEvent e)
    {
        switch (e.Kind)
        {
            case WorldEventKind.RoomStart:
                StartRoom(e.Subject, e.Ts);
                return true;
            case WorldEventKind.RoomStop:
                StopRoom(e.Subject);
                return true;
            case WorldEventKind.Visit:
                return Visit(ref e);
            case WorldEventKind.Drift:
                Drift(e.Subject);
                return false;
            default:
                return true;
        }
    }

    private void StartRoom(int room, long ts)
    {
        var stop = _sessions.StopOf(room);
        _live.Start(room, stop);
        if (_sessions.TryUpdate(room, out var at, out var product))
        {
            _timeline.Schedule(_sessions.Event(room, at, WorldEventKind.RoomUpdate, WorldEventData.Session(_sessions.NumberOf(room), product)));
        }

        if (stop < _end)
        {
            _timeline.Schedule(_sessions.Event(room, stop, WorldEventKind.RoomStop, 0));
        }

        if (ts > _start)
        {
            Notify(room, ts);
        }
    }

    private void StopRoom(int room)
    {
        _live.Stop(room);
        if (_sessions.TryNext(room, out var from))
        {
            ScheduleStart(room, from);
        }
    }

    /// <summary>
    /// A streamer going live pulls in each follower with 35% chance, a couple of minutes later. Only followers
    /// with a visit of their own still to come notice: the per-viewer model this sweep replaced checked for
    /// new sessions at each viewer's next visit, so sessions after a viewer's last visit went unseen, and
    /// keeping that keeps the rate of notified visits.
    /// </summary>
    private void Notify(int room, long ts)
    {
        foreach (var viewer in _history.Followers(Rooms.StreamerOf(room)))
        {
            ref var random = ref _viewers.Random(viewer);
            if (_viewers.HasPendingVisit(viewer) && SplitMix.Chance(ref random, 0.35))
            {
                ScheduleVisit(viewer, room, ts + 1 + (long)SplitMix.Exponential(ref random, 2 * Minute));
            }
        }
    }

    /// <summary>
    /// The viewer's taste changes: new favourite categories and sub-genres, and the streamers it saw before lose
    /// most of their pull, so its repeat visits follow the new taste over time.
    /// </summary>
    private void Drift(int viewer)
    {
        _viewers.Drift(viewer);
        _history.Scale(viewer, _options.DriftHistoryScale);
        Drifts++;
    }

    /// <summary>
    /// A visit: to the room it was called to (a favourite going live), or to one the viewer chooses. A viewer's
    /// own visit schedules its next one; a session's follow-up (<see cref="WorldEvent.Data"/> 1 + the bucket of the
    /// visit before) does not.
    /// </summary>
    private bool Visit(ref WorldEvent visit)
    {
        var viewer = visit.Subject;
        _viewers.VisitTaken(viewer);
        var room = visit.Room;
        var notified = room >= 0;
        var sessionBucket = visit.Data - 1;
        if (room < 0)
        {
            if (sessionBucket < 0)
            {
                ScheduleVisit(viewer, -1, visit.Ts + 1 + (long)SplitMix.Exponential(ref _viewers.Random(viewer), _viewers.MeanGap(viewer)));
            }

            // The chances are read before the choice's own draws, from the same state the choice reads.
            if (_truths is not null && _chances is not null)
            {
                _chooser.Probabilities(viewer, sessionBucket, _chances);
            }

            room = _chooser.Choose(viewer, sessionBucket);
        }

        if (room < 0 || !_live.IsLive(room))
        {
            return false;
        }

        _truths?.Add(Truth(viewer, room, notified));
        var end = Watch(viewer, room, visit.Ts, Math.Min(_live.StopOf(room), _end));
        ref var random = ref _viewers.Random(viewer);
        if (SplitMix.Chance(ref random, _options.SessionContinue))
        {
            var gap = SplitMix.Exponential(ref random, _options.SessionGap.TotalMilliseconds);
            ScheduleVisit(viewer, -1, end + 1 + (long)gap, 1 + Rooms.BucketOf(room));
        }

        visit = visit with { Kind = WorldEventKind.Click, Room = room, Data = 1 };
        return true;
    }

    private VisitTruth Truth(int viewer, int room, bool notified)
    {
        var truth = new VisitTruth { Viewer = viewer, Room = room, Drifted = _viewers.HasDrifted(viewer), Notified = notified };
        if (notified)
        {
            truth.Rank = 1;
            truth.Probability = 1;
            truth.SumSquares = 1;
            truth.LiveRooms = _live.Count;
            truth.Top[0] = room;
            truth.Listed = 1;
            return truth;
        }

        TruthRanking.Rank(_chances, room, ref truth);
        return truth;
    }

    /// <summary>
    /// A watch: 1 + Exp(2) clicks about 45 s apart, each with a 12% chance of a comment and a taste-dependent
    /// chance of a purchase, all before the room stops. The first click is the visit itself. A comment is an
    /// intent question the more likely the better the room fits the viewer (4% to 84%), and once asked, makes a purchase in
    /// the rest of the watch several times more likely, soon after the question. Returns when the watch ends.
    /// </summary>
    private long Watch(int viewer, int room, long from, long until)
    {
        _history.Record(viewer, Rooms.StreamerOf(room));
        ref var random = ref _viewers.Random(viewer);
        var clicks = 1 + (int)SplitMix.Exponential(ref random, 2.0);
        var purchaseChance = 0.015 * (0.5 + (2 * _viewers.Taste(viewer, Rooms.CategoryOf(room))));
        var match = _viewers.Match(viewer, Rooms.BucketOf(room));
        var intentChance = 0.04 + (0.8 * match * match);
        var asked = long.MinValue;
        var t = from;
        var last = from;
        for (var i = 0; i < clicks && t < until; i++)
        {
            if (i > 0)
            {
                ScheduleViewerEvent(viewer, t, WorldEventKind.Click, room, 0);
            }

            last = t;
            if (SplitMix.Chance(ref random, 0.12))
            {
                var at = t + 1 + (long)SplitMix.Exponential(ref random, 10 * Second);
                if (at < until)
                {
                    var intent = SplitMix.Chance(ref random, intentChance);
                    var text = intent
                        ? SplitMix.Next(ref random, Vocabulary.Intent.Length)
                        : Vocabulary.Intent.Length + SplitMix.Next(ref random, Vocabulary.Chatter.Length);
                    ScheduleViewerEvent(viewer, at, WorldEventKind.Comment, room, text);
                    asked = intent && asked == long.MinValue ? at : asked;
                }
            }

            var boost = asked == long.MinValue ? 1 : _options.IntentPurchaseBoost;
            if (SplitMix.Chance(ref random, purchaseChance * boost))
            {
                var at = Math.Max(t, asked) + 1 + (long)SplitMix.Exponential(ref random, 20 * Second);
                if (at < until)
                {
                    var item = SplitMix.Next(ref random, 50);
                    var price = SplitMix.Next(ref random, 196);
                    var quantity = SplitMix.Chance(ref random, 0.8) ? 1 : 2;
                    ScheduleViewerEvent(viewer, at, WorldEventKind.Purchase, room, WorldEventData.Purchase(item, price, quantity));
                }
            }

            t += 1 + (long)SplitMix.Exponential(ref random, 45 * Second);
        }

        return last;
    }

    private void ScheduleStart(int room, long from) =>
        _timeline.Schedule(_sessions.Event(room, from, WorldEventKind.RoomStart, WorldEventData.Session(_sessions.NumberOf(room))));

    private void ScheduleVisit(int viewer, int room, long at, int data = 0)
    {
        if (at < _end)
        {
            _viewers.VisitScheduled(viewer);
            ScheduleViewerEvent(viewer, at, WorldEventKind.Visit, room, data);
        }
    }

    /// <summary>
    /// Whether and when the viewer's taste drifts: its own stream (not the viewer's), so the share and the moments
    /// are fixed by the seed alone; a moment in the middle 60% of the span.
    /// </summary>
    private void ScheduleDrift(int viewer)
    {
        var random = SplitMix.Seed(_options.Seed, 7, (ulong)viewer);
        if (SplitMix.Chance(ref random, _options.DriftShare))
        {
            var at = _start + (long)((0.2 + (0.6 * SplitMix.NextDouble(ref random))) * (_end - _start));
            ScheduleViewerEvent(viewer, at, WorldEventKind.Drift, -1, 0);
        }
    }

    private void ScheduleViewerEvent(int viewer, long ts, WorldEventKind kind, int room, int data) =>
        _timeline.Schedule(new WorldEvent(ts, WorldEvent.OrderOf(viewer: true, viewer, _viewers.NextSequence(viewer)), kind, viewer, room, data));
}
