namespace StreamRec.Ranking.Offline;

/// <summary>What one offline replay went through.</summary>
/// <param name="Events">Valid events applied to the state.</param>
/// <param name="Rejected">Records the online decoder would have dead-lettered (malformed, too late, ...).</param>
/// <param name="Cases">Visits reported to the observer.</param>
/// <param name="NotLive">Visits in the case window skipped because the clicked room was not live (nothing to rank it against).</param>
/// <param name="FirstTs">Event time of the first valid event.</param>
/// <param name="LastTs">Event time of the last valid event.</param>
public sealed record ReplayStatistics(long Events, long Rejected, long Cases, long NotLive, long FirstTs, long LastTs);
