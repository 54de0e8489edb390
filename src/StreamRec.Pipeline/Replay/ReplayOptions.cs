namespace StreamRec.Pipeline.Replay;

/// <summary>What to replay and where the results go.</summary>
/// <param name="Input">The event log.</param>
/// <param name="Output">Where the deltas go.</param>
/// <param name="DeadLetters">Where dead letters go, if anywhere.</param>
/// <param name="MeasureState">Measure the state's heap size at the end (two full garbage collections).</param>
public sealed record ReplayOptions(string Input, string Output, string? DeadLetters = null, bool MeasureState = false)
{
    public ReplayOptions Validate()
    {
        if (!File.Exists(Input))
        {
            throw new FileNotFoundException($"Input log '{Input}' does not exist or is not a file.", Input);
        }

        foreach (var output in new[] { Output, DeadLetters })
        {
            if (output is not null && Directory.Exists(output))
            {
                throw new IOException($"Output '{output}' is a directory; give a file name.");
            }
        }

        return this;
    }
}
