namespace Rivulet.Protocol.Errors;

/// <summary>
/// A request body whose JSON or CBOR types do not match the model. AWS reports these as
/// <c>SerializationException</c> with a capital-M <c>Message</c> (wire reference §3.1, §3.4);
/// a body that cannot be parsed at all has no message.
/// </summary>
public sealed class SerializationException : Exception
{
    public SerializationException(string? awsMessage)
        : base(awsMessage ?? "The request body could not be parsed.")
    {
        AwsMessage = awsMessage;
    }

    public string? AwsMessage { get; }
}
