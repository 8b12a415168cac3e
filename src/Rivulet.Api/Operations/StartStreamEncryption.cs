using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>Starts or changes KMS encryption: the stream passes through UPDATING and records written after carry EncryptionType KMS.</summary>
internal sealed class StartStreamEncryption : IOperation<StartStreamEncryptionInput>
{
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public StartStreamEncryption(StreamResolver streams, KinesisOptions options)
    {
        _streams = streams;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, StartStreamEncryptionInput input, CancellationToken cancellationToken)
    {
        Encryption.CheckRequest(nameof(StartStreamEncryption), input.EncryptionType!, input.KeyId!);
        await _streams.UpdateAsync(context, input.StreamName, input.StreamARN, stream =>
        {
            StreamChange.RequireActive(stream);
            var starts = RollingWindow.LastDay(stream.EncryptionStartsAtMs, context.NowMs);
            if (starts.Length >= Encryption.ChangesPerDay)
            {
                throw ApiErrors.EncryptionChangeLimitExceeded(nameof(StartStreamEncryption), stream.Key.StreamName, stream.Key.AccountId, Encryption.ChangesPerDay);
            }

            var encrypted = stream with { EncryptionType = Encryption.Kms, KeyId = input.KeyId, EncryptionStartsAtMs = starts.Add(context.NowMs) };
            return StreamChange.Updating(encrypted, context, _options);
        }, cancellationToken).ConfigureAwait(false);
    }
}
