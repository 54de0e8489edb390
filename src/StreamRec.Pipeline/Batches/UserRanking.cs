namespace StreamRec.Pipeline.Batches;

/// <summary>A user's freshly computed top-K, best first.</summary>
public sealed record UserRanking(int User, IReadOnlyList<ScoredRoom> Top);
