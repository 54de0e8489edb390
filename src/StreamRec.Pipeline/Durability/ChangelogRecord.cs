namespace StreamRec.Pipeline.Durability;

/// <summary>
/// One record of the state changelog: a user's state in the portable layout (<see cref="State.PortableUserStateCodec"/>),
/// keyed by the external user id, on the changelog partition numbered like the user's input partition; a null
/// <paramref name="Value"/> is a tombstone (the user was forgotten or expired).
/// </summary>
public readonly record struct ChangelogRecord(int Partition, byte[] Key, byte[]? Value);
