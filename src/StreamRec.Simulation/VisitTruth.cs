using System.Runtime.CompilerServices;

namespace StreamRec.Simulation;

/// <summary>
/// The world's own view of one visit's first click: where the chosen room stood when every live room is ordered
/// by the chance the world gave it (higher first, ties by lower room index), and the ten most likely rooms.
/// A visit a favourite's going live brought about is certain: its room has chance 1.
/// </summary>
internal struct VisitTruth
{
    public const int TopCount = 10;

    public int Viewer;
    public int Room;

    /// <summary>1-based rank of <see cref="Room"/> among the live rooms.</summary>
    public int Rank;

    /// <summary>The chance the world gave <see cref="Room"/>.</summary>
    public double Probability;

    /// <summary>Sum of the squared chances over the live rooms: the chosen room's expected chance.</summary>
    public double SumSquares;

    public int LiveRooms;
    public bool Drifted;
    public bool Notified;

    /// <summary>The most likely rooms, most likely first; the first <see cref="Listed"/> are set.</summary>
    public TopRooms Top;
    public int Listed;

    [InlineArray(TopCount)]
    public struct TopRooms
    {
        private int _element;
    }
}
