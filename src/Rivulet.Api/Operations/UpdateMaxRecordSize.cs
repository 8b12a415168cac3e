using Rivulet.Api.Streams;
using Rivulet.Protocol.Model;

namespace Rivulet.Api.Operations;

/// <summary>
/// Sets the largest record (data plus partition key) the stream takes, 1024 to 10240 KiB (the
/// model's range, checked before this runs). Any capacity mode; the stream must be ACTIVE. The new
/// size applies to writes at once; the stream passes through UPDATING like AWS's other settings.
/// </summary>
internal sealed class UpdateMaxRecordSize : IOperation<UpdateMaxRecordSizeInput>
{
    private readonly StreamResolver _streams;
    private readonly KinesisOptions _options;

    public UpdateMaxRecordSize(StreamResolver streams, KinesisOptions options)
    {
        _streams = streams;
        _options = options;
    }

    public async ValueTask ExecuteAsync(RequestContext context, UpdateMaxRecordSizeInput input, CancellationToken cancellationToken)
    {
        // The model marks StreamARN optional but gives the operation no other way to name a stream.
        var arn = input.StreamARN ?? throw ApiErrors.StreamArnRequired();
        var size = input.MaxRecordSizeInKiB!.Value;
        await _streams.UpdateAsync(context, null, arn, stream =>
        {
            StreamChange.RequireActive(stream);
            return size == stream.MaxRecordSizeInKiB ? stream : StreamChange.Updating(stream with { MaxRecordSizeInKiB = size }, context, _options);
        }, cancellationToken).ConfigureAwait(false);
    }
}
