namespace StreamRec.Model.Scoring;

/// <summary>Settings for <see cref="OnnxBatchScorer"/>.</summary>
public sealed record OnnxBatchScorerOptions
{
    /// <summary>Threads ONNX Runtime may use inside one operator. Default 1: the stream stage is the unit of parallelism.</summary>
    public int IntraOpNumThreads { get; init; } = 1;

    /// <summary>Rows the input and output buffers hold before the first batch; they grow when a larger batch arrives.</summary>
    public int InitialBatchCapacity { get; init; } = 256;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(IntraOpNumThreads, 1, nameof(IntraOpNumThreads));
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialBatchCapacity, 1, nameof(InitialBatchCapacity));
    }
}
