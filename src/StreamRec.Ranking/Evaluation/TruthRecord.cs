namespace StreamRec.Ranking.Evaluation;

/// <summary>What the simulator's world knew of one click that started a visit (see <c>simulate --truth</c>).</summary>
/// <param name="Rank">1-based rank of the chosen room when every live room is ordered by the world's chance of being chosen.</param>
/// <param name="Drifted">Whether the user's taste had drifted before the click.</param>
/// <param name="Notified">Whether a favourite going live brought the user (the room then had chance 1).</param>
public readonly record struct TruthRecord(int Rank, bool Drifted, bool Notified);
