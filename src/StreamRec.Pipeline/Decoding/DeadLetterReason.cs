namespace StreamRec.Pipeline.Decoding;

/// <summary>Reason codes of dead letters; stable strings, used as metric labels too.</summary>
public static class DeadLetterReason
{
    public const string EmptyRecord = "empty_record";
    public const string Oversized = "oversized_payload";
    public const string MalformedJson = "malformed_json";
    public const string NotAnObject = "not_an_object";
    public const string MissingField = "missing_field";
    public const string WrongType = "wrong_type";
    public const string InvalidValue = "invalid_value";
    public const string UnknownEventType = "unknown_event_type";
    public const string TimestampOutOfRange = "timestamp_out_of_range";
    public const string TimestampTooLate = "timestamp_too_late";
    public const string TimestampTooEarly = "timestamp_too_early";

    /// <summary>A record of the aggregate exchange topic that cannot be read (another version or partition count, cut short).</summary>
    public const string InvalidContribution = "invalid_contribution";
}
