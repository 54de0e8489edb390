namespace StreamRec.Pipeline.Metrics;

/// <summary>Values of the <c>step</c> tag of <see cref="InstrumentNames.StepDuration"/>: where a batch's wall time goes.</summary>
public static class PipelineStep
{
    /// <summary>Decoding and validating a raw batch.</summary>
    public const string Decode = "decode";

    /// <summary>The stateful core on a batch (state updates, retrieval, features, lists), scoring excluded.</summary>
    public const string Core = "core";

    /// <summary>The scorer's calls of a batch.</summary>
    public const string Scoring = "scoring";

    /// <summary>From a batch's deltas handed to the producer to the broker's acknowledgement of all of them.</summary>
    public const string Produce = "produce";

    public static IReadOnlyList<string> All { get; } = [Decode, Core, Scoring, Produce];
}
