using System.Buffers;
using System.Text;
using Rivulet.Api.Streams;
using Rivulet.Protocol.AwsJson;
using Rivulet.Protocol.Errors;
using Rivulet.Protocol.Model;
using Rivulet.Storage;

namespace Rivulet.Api.Channels;

/// <summary>
/// A channel's configuration as <see cref="ChannelMetadata.ConfigurationJson"/> keeps it: a
/// <see cref="ChannelDescription"/> without the members that change on their own (name, ARN, ID,
/// status, creation time), written and read by the generated shape so that what DescribeChannel
/// answers is exactly what CreateChannel was given plus the defaults filled in then.
/// </summary>
internal static class ChannelConfiguration
{
    public const string S3 = "S3";
    public const string S3Tables = "S3_TABLES";

    public static string Write(ChannelDescription configuration)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        AwsJsonCodec.Write(buffer, configuration);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <exception cref="KinesisException">InternalFailure: the stored JSON is not a channel description (damaged storage).</exception>
    public static ChannelDescription Read(ChannelMetadata channel)
    {
        try
        {
            return AwsJsonCodec.Read<ChannelDescription>(Encoding.UTF8.GetBytes(channel.ConfigurationJson));
        }
        catch (SerializationException)
        {
            throw ApiErrors.InternalServiceFailure();
        }
    }

    public static string DestinationType(ChannelDescription configuration) =>
        configuration.S3TablesDestinationConfiguration is not null ? S3Tables : S3;

    /// <summary>The streams the channel reads: their keys and the creation time of the incarnation it was created on.</summary>
    public static IEnumerable<(StreamKey Key, string Arn, long CreatedAtMs)> Streams(ChannelDescription configuration)
    {
        foreach (var stream in configuration.StreamConfigurationList ?? [])
        {
            if (stream.StreamARN is { } arn && StreamArn.TryParse(arn, out var region, out var accountId, out var name))
            {
                yield return (new StreamKey(accountId, region, name), arn, stream.StreamCreationTimestamp?.ToUnixTimeMilliseconds() ?? 0);
            }
        }
    }

    /// <summary>Whether the channel reads this incarnation of the stream.</summary>
    public static bool Reads(ChannelDescription configuration, StreamKey key, long createdAtMs)
    {
        foreach (var stream in Streams(configuration))
        {
            if (stream.Key == key && stream.CreatedAtMs == createdAtMs)
            {
                return true;
            }
        }

        return false;
    }
}
