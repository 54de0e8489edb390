namespace StreamRec.Pipeline.Retrieval;

/// <summary>How many candidates each retrieval source contributes to a re-rank.</summary>
public sealed record RetrievalLimits
{
    /// <summary>
    /// Most candidates scored per re-rank, whatever the number of live rooms; only the live rooms of the user's
    /// streamers (at most <see cref="Options.PipelineOptions.MaxAffinities"/> streamers' worth), taken first, are
    /// never cut, even beyond it.
    /// </summary>
    public int MaxCandidates { get; init; } = 64;

    /// <summary>Most live rooms of the streamers co-engaged with the user's streamers (strongest first).</summary>
    public int CoEngaged { get; init; } = 12;

    /// <summary>How many of the user's strongest categories are searched.</summary>
    public int Categories { get; init; } = 3;

    /// <summary>Most popular live rooms taken from each of those categories.</summary>
    public int PerCategory { get; init; } = 24;

    /// <summary>How many of the strongest categories of the user's short-term (session) interest are searched.</summary>
    public int ShortCategories { get; init; } = 2;

    /// <summary>Most popular live rooms taken from each of those.</summary>
    public int ShortPerCategory { get; init; } = 12;

    /// <summary>Most popular live rooms overall.</summary>
    public int Trending { get; init; } = 24;

    /// <summary>Most recently started rooms (cold start and exploration).</summary>
    public int Fresh { get; init; } = 12;

    /// <summary>How recently a room must have started to count as fresh.</summary>
    public TimeSpan FreshWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Every problem with these limits.</summary>
    public IEnumerable<string> Problems(int topK)
    {
        if (MaxCandidates < topK)
        {
            yield return $"Retrieval.MaxCandidates ({MaxCandidates}) must be at least TopK ({topK}).";
        }

        if (CoEngaged < 0 || Categories < 0 || PerCategory < 0 || ShortCategories < 0 || ShortPerCategory < 0 || Trending < 0 || Fresh < 0)
        {
            yield return "Retrieval source sizes must not be negative.";
        }

        if (FreshWindow < TimeSpan.Zero)
        {
            yield return $"Retrieval.FreshWindow must not be negative, got {FreshWindow}.";
        }
    }
}
