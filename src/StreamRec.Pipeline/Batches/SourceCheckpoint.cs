namespace StreamRec.Pipeline.Batches;

/// <summary>
/// A source's progress marker: where the input stands once everything before it has been processed. It
/// travels with the batch it ends; the sink calls <see cref="Acknowledge"/> once every output that batch
/// and all earlier ones caused has been durably written, so the source may commit (for Kafka: offsets).
/// </summary>
public abstract class SourceCheckpoint
{
    /// <summary>Tells the source that everything up to this checkpoint is done.</summary>
    public abstract void Acknowledge();

    /// <summary>
    /// Where each source partition resumes once this checkpoint is done: the next line of a file, the next
    /// offset of a Kafka partition (<see cref="Input.RecordOrigin.Position"/>). Stored with the state.
    /// </summary>
    public virtual IReadOnlyList<Input.RecordOrigin> Positions => [];
}
