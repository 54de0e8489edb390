namespace StreamRec.Pipeline.Online;

/// <summary>Settings of the online evaluation (configuration section <c>OnlineEvaluation</c>).</summary>
public sealed record OnlineEvaluationOptions
{
    /// <summary>Fraction of users judged, chosen by a hash of the user id (the same users on every run and instance).</summary>
    public double SampleRate { get; init; } = 0.25;

    /// <summary>Most users whose latest list is held; past it, new users are not sampled (counted in <c>untracked</c>).</summary>
    public int MaxTrackedUsers { get; init; } = 100_000;

    /// <summary>Room entries in the sliding window the published ratios are computed over.</summary>
    public int Window { get; init; } = 2_000;

    public OnlineEvaluationOptions Validate()
    {
        if (!(SampleRate > 0 && SampleRate <= 1))
        {
            throw new ArgumentException($"OnlineEvaluation:SampleRate must be in (0, 1], got {SampleRate}.");
        }

        if (MaxTrackedUsers < 1 || Window < 1)
        {
            throw new ArgumentException($"OnlineEvaluation:MaxTrackedUsers and Window must be at least 1, got {MaxTrackedUsers} and {Window}.");
        }

        return this;
    }
}
