namespace StreamRec.Pipeline.Replay;

/// <summary>A snapshot of a running replay, for progress display.</summary>
public readonly record struct ReplayProgress(long BytesRead, long BytesTotal, long Records, long Deltas, long DeadLetters);
