namespace StreamRec.Pipeline.State;

/// <summary>
/// The seq fence of a partition restored from the changelog: per user, the highest <c>seq</c> the previous owner may
/// have emitted after the state the changelog holds (read from the deltas topic). A restored user's seq is raised to
/// it at once; a user the changelog does not hold (new since the previous owner's last checkpoint, or forgotten
/// since) starts at it when created, so no seq is ever sent again with another list. Entries stay until the
/// partition is restored again or leaves, so a user forgotten and created again while the input is reprocessed
/// passes the fence too.
/// </summary>
/// <remarks>
/// Until every user the fence names but the state did not hold has been created, a checkpoint's fence marker must
/// not move past <see cref="Origin"/>: a later restore would otherwise no longer see what the previous owner sent.
/// </remarks>
internal sealed class SeqFloors
{
    private readonly Dictionary<int, long> _floors = [];
    private readonly HashSet<int> _absent = [];

    /// <summary>Where on the deltas partition the fence was read from.</summary>
    public long Origin { get; private set; }

    /// <summary>True while a user named by the fence is not created yet: markers must stay at <see cref="Origin"/>.</summary>
    public bool HoldsBack => _absent.Count > 0;

    public int Count => _floors.Count;

    /// <summary>Replaces the fence; <paramref name="held"/> tells whether the restored state holds a user.</summary>
    internal void Set(long origin, IEnumerable<(int User, long Floor)> floors, Func<int, bool> held)
    {
        Clear();
        Origin = origin;
        foreach (var (user, floor) in floors)
        {
            _floors[user] = floor;
            if (!held(user))
            {
                _absent.Add(user);
            }
        }
    }

    internal void Clear()
    {
        _floors.Clear();
        _absent.Clear();
        Origin = 0;
    }

    /// <summary>The seq the user's state must have at least (0: no fence).</summary>
    public long FloorOf(int user) => _floors.TryGetValue(user, out var floor) ? floor : 0;

    /// <summary>A user's state was just created empty: it starts at its floor.</summary>
    internal void Created(int user, UserState state)
    {
        if (_floors.TryGetValue(user, out var floor))
        {
            state.Seq = Math.Max(state.Seq, floor);
            _absent.Remove(user);
        }
    }
}
