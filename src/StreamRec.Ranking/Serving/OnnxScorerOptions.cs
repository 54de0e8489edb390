namespace StreamRec.Ranking.Serving;

/// <summary>Settings of <see cref="OnnxScorer"/>. Immutable; validated when the scorer starts.</summary>
public sealed record OnnxScorerOptions
{
    /// <summary>
    /// How often the model and manifest files are checked for changes; <see cref="Timeout.InfiniteTimeSpan"/> turns
    /// polling off. Polling catches what file-system notifications miss (network mounts, atomic renames on some systems).
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Also reload as soon as a file-system notification reports a change of the model or its manifest.</summary>
    public bool WatchFileSystem { get; init; } = true;

    /// <summary>
    /// Threads ONNX Runtime may use inside one operator (the pipeline stage is the unit of parallelism). Keep 1
    /// where output must be reproducible: with 2, the tree sums are added in another order, scores move in the
    /// last bits and a replay's deltas change (measured: 8% faster, different bytes).
    /// </summary>
    public int IntraOpNumThreads { get; init; } = 1;

    /// <summary>
    /// Threads that score one large call at once, each whole rows with its own session (see
    /// <see cref="Model.Scoring.OnnxLaneScorer"/>): scores are the same bytes for any value. In the pipeline the
    /// partitions wait while a tick is scored, so by default one lane per core, at most 2.
    /// </summary>
    public int Lanes { get; init; } = Math.Clamp(Environment.ProcessorCount, 1, 2);

    public OnnxScorerOptions Validate()
    {
        if (PollInterval <= TimeSpan.Zero && PollInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"PollInterval must be positive or Timeout.InfiniteTimeSpan, got {PollInterval}.");
        }

        if (IntraOpNumThreads < 1)
        {
            throw new ArgumentException($"IntraOpNumThreads must be at least 1, got {IntraOpNumThreads}.");
        }

        if (Lanes is < 1 or > 64)
        {
            throw new ArgumentException($"Lanes must be in [1, 64], got {Lanes}.");
        }

        return this;
    }
}
