namespace StreamRec.Pipeline.State;

/// <summary>
/// A user's work that waits for event time and travels with the user's changelog record, so a partition that moves
/// is finished by its new owner as its old one would have.
/// </summary>
/// <param name="RerankDue">When the pending re-rank is due (event time, ms), or null for none.</param>
/// <param name="Promotion">
/// True when a stopped room's promotion waits for the tick to close: the user's sent top K holds a room that stopped.
/// </param>
public readonly record struct PendingWork(long? RerankDue, bool Promotion);
