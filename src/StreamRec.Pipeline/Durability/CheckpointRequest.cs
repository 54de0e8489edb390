namespace StreamRec.Pipeline.Durability;

/// <summary>
/// Travels with the batch after which a checkpoint is due: the upstream stages' state as of that batch
/// (they run ahead of the core, so it cannot be read from them when the core gets there).
/// </summary>
internal sealed class CheckpointRequest(byte[] validator)
{
    public byte[] Validator { get; } = validator;

    public byte[] Slicer { get; set; } = [];
}
