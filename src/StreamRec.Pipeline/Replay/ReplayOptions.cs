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

        // Opening an output truncates it: writing over the input (or the deltas over the dead letters) would destroy it.
        var input = Canonical(Input);
        if (Canonical(Output) == input)
        {
            throw new ArgumentException($"--out '{Output}' is the input log; give another file.");
        }

        if (DeadLetters is not null && Canonical(DeadLetters) == input)
        {
            throw new ArgumentException($"--dlq '{DeadLetters}' is the input log; give another file.");
        }

        if (DeadLetters is not null && Canonical(DeadLetters) == Canonical(Output))
        {
            throw new ArgumentException($"--dlq '{DeadLetters}' is the same file as --out; give another file.");
        }

        return this;
    }

    /// <summary>The full path with symbolic links resolved, so two names of one file compare equal.</summary>
    private static string Canonical(string path)
    {
        var full = Path.GetFullPath(path);
        return File.Exists(full) && new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true) is { } target ? target.FullName : full;
    }
}
