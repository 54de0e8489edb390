namespace StreamRec.Pipeline.Replay;

/// <summary>What to replay and where the results go.</summary>
public sealed record ReplayOptions(string Input, string Output, string? DeadLetters = null)
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
