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

    public WorldSweep(SimulationOptions options)
    {
        options.Validate();
        _start = options.Start.ToUnixTimeMilliseconds();
        _end = _start + (long)options.Duration.TotalMilliseconds;
        Rooms = RoomTable.Create(options.Rooms, new DeterministicRandom(SplitMix.Seed(options.Seed, 1, 0)));
        _sessions = new RoomSessions(options.Rooms, options.Seed, _start, _end);
        _live = new LiveRooms(Rooms);
        _viewers = new Viewers(options.Users, options.Seed, options.VisitsPerUserHour);
        _history = new ViewerHistory(options.Users, Rooms.Streamers);
        _chooser = new RoomChooser(Rooms, _live, _viewers, _history);
        _timeline = new Timeline(_start, _end);
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
        }
    }

    public RoomTable Rooms { get; }

    /// <summary>The most rooms live at once so far.</summary>
    public int PeakLiveRooms => _live.Peak;

    /// <summary>Writes the next logged events into <paramref name="destination"/>; fewer than it holds only at the end, 0 after it.</summary>
    public int Fill(Span<WorldEvent> destination)
    {
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

    private bool Visit(ref WorldEvent visit)
    {
        var viewer = visit.Subject;
        _viewers.VisitTaken(viewer);
        var room = visit.Room;
        if (room < 0)
        {
            ScheduleVisit(viewer, -1, visit.Ts + 1 + (long)SplitMix.Exponential(ref _viewers.Random(viewer), _viewers.MeanGap(viewer)));
            room = _chooser.Choose(viewer);
        }

        if (room < 0 || !_live.IsLive(room))
        {
            return false;
        }

        Watch(viewer, room, visit.Ts, Math.Min(_live.StopOf(room), _end));
        visit = visit with { Kind = WorldEventKind.Click, Room = room };
        return true;
    }

    /// <summary>
    /// A watch: 1 + Exp(2) clicks about 45 s apart, each with a 12% chance of a comment and a taste-dependent
    /// chance of a purchase, all before the room stops. The first click is the visit itself.
    /// </summary>
    private void Watch(int viewer, int room, long from, long until)
    {
        _history.Record(viewer, Rooms.StreamerOf(room));
        ref var random = ref _viewers.Random(viewer);
        var clicks = 1 + (int)SplitMix.Exponential(ref random, 2.0);
        var purchaseChance = 0.02 * (0.5 + (2 * _viewers.Taste(viewer, Rooms.CategoryOf(room))));
        var t = from;
        for (var i = 0; i < clicks && t < until; i++)
        {
            if (i > 0)
            {
                ScheduleViewerEvent(viewer, t, WorldEventKind.Click, room, 0);
            }

            if (SplitMix.Chance(ref random, 0.12))
            {
                var at = t + 1 + (long)SplitMix.Exponential(ref random, 10 * Second);
                if (at < until)
                {
                    ScheduleViewerEvent(viewer, at, WorldEventKind.Comment, room, SplitMix.Next(ref random, Vocabulary.Comments.Length));
                }
            }

            if (SplitMix.Chance(ref random, purchaseChance))
            {
                var at = t + 1 + (long)SplitMix.Exponential(ref random, 20 * Second);
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
    }

    private void ScheduleStart(int room, long from) =>
        _timeline.Schedule(_sessions.Event(room, from, WorldEventKind.RoomStart, WorldEventData.Session(_sessions.NumberOf(room))));

    private void ScheduleVisit(int viewer, int room, long at)
    {
        if (at < _end)
        {
            _viewers.VisitScheduled(viewer);
            ScheduleViewerEvent(viewer, at, WorldEventKind.Visit, room, 0);
        }
    }

    private void ScheduleViewerEvent(int viewer, long ts, WorldEventKind kind, int room, int data) =>
        _timeline.Schedule(new WorldEvent(ts, WorldEvent.OrderOf(viewer: true, viewer, _viewers.NextSequence(viewer)), kind, viewer, room, data));
}
