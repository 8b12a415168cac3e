using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Ends encryption: the stream passes through UPDATING and records written after are no longer encrypted.</summary>
internal sealed class StopStreamEncryption : IOperation<StopStreamEncryptionInput>
{
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public StopStreamEncryption(StreamResolver streams, KinesisOptions options)
    {
        _streams = streams;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, StopStreamEncryptionInput input, CancellationToken cancellationToken)
    {
        Encryption.CheckRequest(nameof(StopStreamEncryption), input.EncryptionType!, input.KeyId!);
        await _streams.UpdateAsync(context, input.StreamName, input.StreamARN, stream =>
        {
            StreamChange.RequireActive(stream);
            if (stream.EncryptionType != Encryption.Kms)
            {
                // Nothing to stop; the call changes nothing and so does not count against the daily limit.
                return stream;
            }

            var stops = RollingWindow.LastDay(stream.EncryptionStopsAtMs, context.NowMs);
            if (stops.Length >= Encryption.ChangesPerDay)
            {
                throw ApiErrors.EncryptionChangeLimitExceeded(nameof(StopStreamEncryption), stream.Key.StreamName, stream.Key.AccountId, Encryption.ChangesPerDay);
            }

            var plain = stream with { EncryptionType = Encryption.None, KeyId = null, EncryptionStopsAtMs = stops.Add(context.NowMs) };
            return StreamChange.Updating(plain, context, _options);
        }, cancellationToken).ConfigureAwait(false);
    }
}
