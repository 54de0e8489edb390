namespace StreamRec.Pipeline.Durability;

/// <summary>How many outputs of each kind the pipeline had emitted when a batch ended (each counted since the start).</summary>
/// <param name="Deltas">Recommendation deltas.</param>
/// <param name="DeadLetters">Dead letters.</param>
/// <param name="Published">Contributions published to the room-aggregate exchange.</param>
internal readonly record struct OutputCounts(long Deltas, long DeadLetters, long Published);
