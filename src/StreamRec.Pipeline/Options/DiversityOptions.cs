namespace StreamRec.Pipeline.Options;

/// <summary>
/// Diversity and exposure controls on each user's top K (see <see cref="Steps.DiversityRerank"/>). Off by default:
/// with both limits at zero the ranked list is exactly the scorer's order.
/// </summary>
public sealed record DiversityOptions
{
    /// <summary>Most rooms of one category in a top K; 0 sets no cap.</summary>
    public int MaxPerCategory { get; init; }

    /// <summary>
    /// Least share of the top K's slots (rounded up) held by exposure rooms: rooms of streamers new to the user (no
    /// kept affinity) or, with <see cref="LowPopularity"/> set, rooms less popular than that. 0 reserves none.
    /// </summary>
    public double MinExposureShare { get; init; }

    /// <summary>Decayed room popularity below which a room counts as an exposure room too; 0 counts only new streamers.</summary>
    public double LowPopularity { get; init; }

    /// <summary>True when any control is on.</summary>
    public bool Enabled => MaxPerCategory > 0 || MinExposureShare > 0;

    /// <summary>The slots of a top <paramref name="k"/> reserved for exposure rooms.</summary>
    public int ExposureSlots(int k) => (int)Math.Min(k, Math.Ceiling((MinExposureShare * k) - 1e-9));

    /// <summary>Every problem with these settings.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxPerCategory < 0)
        {
            yield return $"Diversity.MaxPerCategory must not be negative, got {MaxPerCategory}.";
        }

        if (!(MinExposureShare is >= 0 and <= 1))
        {
            yield return $"Diversity.MinExposureShare must be in [0, 1], got {MinExposureShare}.";
        }

        if (!(LowPopularity >= 0) || double.IsInfinity(LowPopularity))
        {
            yield return $"Diversity.LowPopularity must be finite and not negative, got {LowPopularity}.";
        }
    }
}
