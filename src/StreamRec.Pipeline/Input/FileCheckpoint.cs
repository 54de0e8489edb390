using StreamRec.Pipeline.Batches;

namespace StreamRec.Pipeline.Input;

/// <summary>A file read up to a line: resuming starts after <paramref name="lines"/> lines.</summary>
internal sealed class FileCheckpoint(string source, long lines) : SourceCheckpoint
{
    public override IReadOnlyList<RecordOrigin> Positions { get; } = [RecordOrigin.FileLine(source, lines)];

    public override void Acknowledge()
    {
    }
}
