namespace StreamRec.Simulation;

/// <summary>
/// One scheduled happening of the simulated world, 32 bytes and no strings: the simulator keeps hundreds of
/// thousands of them pending and formats the logged ones straight to UTF-8.
/// </summary>
/// <param name="Ts">Event time, ms since the Unix epoch.</param>
/// <param name="Order">Ties at one <paramref name="Ts"/>: see <see cref="OrderOf"/>.</param>
/// <param name="Kind">What happens.</param>
/// <param name="Subject">The room (room events) or viewer (everything else).</param>
/// <param name="Room">The room a viewer event happens in; for a visit, its target, or -1 to choose on arrival.</param>
/// <param name="Data">Kind-specific detail, see <see cref="WorldEventData"/>.</param>
internal readonly record struct WorldEvent(long Ts, ulong Order, WorldEventKind Kind, int Subject, int Room, int Data) : IComparable<WorldEvent>
{
    private const ulong ViewerClass = 1UL << 63;

    public bool IsViewerEvent => (Order & ViewerClass) != 0;

    /// <summary>
    /// The position among events at the same instant: room events first (by room), then viewer events (by viewer,
    /// then in the order that viewer's events were scheduled). A pure function of who and which, never of
    /// bucket sizes or threads, so the log's order is fixed by the world alone.
    /// </summary>
    public static ulong OrderOf(bool viewer, int subject, uint sequence) =>
        (viewer ? ViewerClass : 0) | ((ulong)(uint)subject << 32) | sequence;

    public static bool operator <(WorldEvent left, WorldEvent right) => left.CompareTo(right) < 0;

    public static bool operator <=(WorldEvent left, WorldEvent right) => left.CompareTo(right) <= 0;

    public static bool operator >(WorldEvent left, WorldEvent right) => left.CompareTo(right) > 0;

    public static bool operator >=(WorldEvent left, WorldEvent right) => left.CompareTo(right) >= 0;

    /// <summary>Log order: by time, then <see cref="Order"/>. (Being <see cref="IComparable{T}"/> also gets the
    /// sort's devirtualized path, several times faster than a comparer delegate.)</summary>
    public int CompareTo(WorldEvent other) => Ts != other.Ts ? Ts.CompareTo(other.Ts) : Order.CompareTo(other.Order);
}
