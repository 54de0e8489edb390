namespace StreamRec.Pipeline.Exchange;

/// <summary>
/// What one owned partition added to the room aggregates at a tick close, encoded for the exchange topic
/// (<see cref="ContributionCodec"/>): the other instances merge it, so that every instance's aggregates count every
/// partition's users.
/// </summary>
/// <param name="Partition">The user partition (the record's key on the exchange topic).</param>
/// <param name="Value">The encoded contribution.</param>
public readonly record struct PublishedContribution(int Partition, byte[] Value);
