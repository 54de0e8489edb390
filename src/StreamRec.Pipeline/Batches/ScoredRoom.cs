namespace StreamRec.Pipeline.Batches;

/// <summary>A candidate room and its score.</summary>
public readonly record struct ScoredRoom(int Room, float Score);
