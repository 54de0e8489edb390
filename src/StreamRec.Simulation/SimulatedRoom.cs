namespace StreamRec.Simulation;

/// <summary>A room of the simulated world: who hosts it, what it sells, how popular it is and when it is live.</summary>
internal sealed record SimulatedRoom(string Id, string Streamer, int Category, double Popularity, IReadOnlyList<(long Start, long Stop)> Sessions)
{
    /// <summary>The session live at <paramref name="ts"/>, if any.</summary>
    public (long Start, long Stop)? SessionAt(long ts)
    {
        foreach (var session in Sessions)
        {
            if (session.Start <= ts && ts < session.Stop)
            {
                return session;
            }
        }

        return null;
    }
}
