namespace StreamRec.Simulation;

/// <summary>
/// Orders rooms by the world's chances: higher chance first, ties by lower room index (rooms with chance 0 are
/// not live and never ranked).
/// </summary>
internal static class TruthRanking
{
    /// <summary>Fills the rank, chance, sum of squares, live count and top rooms of <paramref name="truth"/> for <paramref name="room"/>.</summary>
    public static void Rank(ReadOnlySpan<double> chances, int room, ref VisitTruth truth)
    {
        var chosen = chances[room];
        var rank = 1;
        var live = 0;
        var squares = 0.0;
        truth.Listed = 0;
        for (var r = 0; r < chances.Length; r++)
        {
            var p = chances[r];
            if (p <= 0)
            {
                continue;
            }

            live++;
            squares += p * p;
            if (Before(p, r, chosen, room))
            {
                rank++;
            }

            Offer(ref truth, chances, r);
        }

        truth.Rank = rank;
        truth.Probability = chosen;
        truth.SumSquares = squares;
        truth.LiveRooms = live;
    }

    private static bool Before(double p, int room, double otherP, int otherRoom) => p > otherP || (p == otherP && room < otherRoom);

    /// <summary>Insertion into the short sorted list of the most likely rooms so far.</summary>
    private static void Offer(ref VisitTruth truth, ReadOnlySpan<double> chances, int room)
    {
        var p = chances[room];
        if (truth.Listed == VisitTruth.TopCount && !Before(p, room, chances[truth.Top[VisitTruth.TopCount - 1]], truth.Top[VisitTruth.TopCount - 1]))
        {
            return;
        }

        var at = Math.Min(truth.Listed, VisitTruth.TopCount - 1);
        while (at > 0 && Before(p, room, chances[truth.Top[at - 1]], truth.Top[at - 1]))
        {
            truth.Top[at] = truth.Top[at - 1];
            at--;
        }

        truth.Top[at] = room;
        truth.Listed = Math.Min(truth.Listed + 1, VisitTruth.TopCount);
    }
}
