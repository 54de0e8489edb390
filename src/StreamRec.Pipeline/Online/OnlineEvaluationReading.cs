using System.Text.Json.Serialization;

namespace StreamRec.Pipeline.Online;

/// <summary>The online evaluation at one moment: the sliding window and everything since the start.</summary>
public sealed record OnlineEvaluationReading
{
    /// <summary>Room entries judged since the start.</summary>
    [JsonPropertyName("cases")]
    public required long Cases { get; init; }

    [JsonPropertyName("new_cases")]
    public required long NewCases { get; init; }

    [JsonPropertyName("repeat_cases")]
    public required long RepeatCases { get; init; }

    /// <summary>Entries by users who held no list yet (misses for the held list).</summary>
    [JsonPropertyName("without_list")]
    public required long WithoutList { get; init; }

    /// <summary>Users not sampled because <see cref="OnlineEvaluationOptions.MaxTrackedUsers"/> was reached.</summary>
    [JsonPropertyName("untracked")]
    public required long Untracked { get; init; }

    [JsonPropertyName("window_cases")]
    public required int WindowCases { get; init; }

    /// <summary>The lists users held (their latest delta), over the window.</summary>
    [JsonPropertyName("model")]
    public required OnlineScores Model { get; init; }

    /// <summary>Popularity among the rooms live at each entry, over the window.</summary>
    [JsonPropertyName("popularity")]
    public required OnlineScores Popularity { get; init; }

    [JsonPropertyName("model_total")]
    public required OnlineScores ModelTotal { get; init; }

    [JsonPropertyName("popularity_total")]
    public required OnlineScores PopularityTotal { get; init; }
}
