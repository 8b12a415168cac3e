using System.Buffers.Text;
using System.Diagnostics;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace Rivulet.LoadGen;

// Reads every shard from TRIM_HORIZON to the tip and checks each record against what the puts were told:
// every acknowledged record exactly once, on the shard and with the sequence number the put returned, with the
// same data and partition key; sequence numbers strictly increasing per shard; nothing unknown or duplicated.
internal sealed class Verifier
{
    private const int PageLimit = 10_000;
    private const int MaxPagesPerShard = 100_000;
    private const int MaxThrottledRetries = 100;

    private readonly ControlPlane _control;
    private readonly uint _runId;
    private readonly RecordFactory[] _factories;
    private readonly AckTable[][] _tables;
    private readonly TimeSpan _timeout;
    private readonly VerificationResult _result = new();
    private readonly byte[] _sequence = new byte[WireValues.MaxSequenceNumberLength];
    private byte[] _data = new byte[64 * 1024];
    private byte[] _expected = new byte[64 * 1024];
    private byte[] _key = new byte[256];

    public Verifier(ControlPlane control, uint runId, RecordFactory[] factories, AckTable[][] tables, TimeSpan timeout)
    {
        _control = control;
        _runId = runId;
        _factories = factories;
        _tables = tables;
        _timeout = timeout;
    }

    public async Task<VerificationResult> VerifyAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_timeout);
        try
        {
            var shardIds = await _control.ListShardIdsAsync(bounded.Token).ConfigureAwait(false);
            _result.Shards = shardIds.Count;
            foreach (var shardId in shardIds)
                await ReadShardAsync(shardId, bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _result.Error = $"read-back did not finish within {_timeout.TotalSeconds} s";
        }
        catch (Exception e) when (e is EndpointException or HttpRequestException or IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            _result.Error = e.Message;
        }

        Sweep();
        _result.ElapsedSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return _result;
    }

    private async Task ReadShardAsync(string shardId, CancellationToken cancellationToken)
    {
        if (!WireValues.TryParseShardIndex(Encoding.UTF8.GetBytes(shardId), out var shardIndex))
            throw new EndpointException($"ListShards returned an unreadable shard id '{shardId}'");
        var iterator = await _control.GetTrimHorizonIteratorAsync(shardId, cancellationToken).ConfigureAwait(false);
        var previous = (BigInteger?)null;
        var throttled = 0;
        for (var page = 0; page < MaxPagesPerShard; page++)
        {
            var response = await _control.GetRecordsAsync(iterator, PageLimit, cancellationToken).ConfigureAwait(false);
            _result.Pages++;
            if (!response.IsSuccess)
            {
                // Real limits (5 reads/s per shard) or an emulation of them: back off and retry, boundedly.
                var body = response.Body.Span;
                if (throttled++ < MaxThrottledRetries &&
                    (body.IndexOf("ProvisionedThroughputExceeded"u8) >= 0 || body.IndexOf("LimitExceeded"u8) >= 0))
                {
                    await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                throw new EndpointException($"GetRecords on {shardId} failed: HTTP {response.StatusCode} {Encoding.UTF8.GetString(body)}");
            }

            var (records, next, millisBehind) = ReadPage(response.Body.Span, shardId, shardIndex, ref previous);
            // Caught up: an empty page at the tip, or a closed shard's end (no next iterator).
            if (next is null || (records == 0 && millisBehind == 0))
                return;
            iterator = next;
        }

        throw new EndpointException($"{shardId} was not caught up after {MaxPagesPerShard} GetRecords pages");
    }

    // {"Records":[{"SequenceNumber":"…","Data":"<base64>","PartitionKey":"…",…},…],"NextShardIterator":"…","MillisBehindLatest":n}
    private (int Records, string? NextIterator, long MillisBehindLatest) ReadPage(ReadOnlySpan<byte> json, string shardId, int shardIndex, ref BigInteger? previous)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new EndpointException($"GetRecords on {shardId} answered something other than an object");
        var records = 0;
        string? next = null;
        long millisBehind = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Records"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                    throw new EndpointException($"GetRecords on {shardId}: Records is not a list");
                while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadRecord(ref reader, shardId, shardIndex, ref previous);
                    records++;
                }
            }
            else if (reader.ValueTextEquals("NextShardIterator"u8))
            {
                reader.Read();
                next = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("MillisBehindLatest"u8))
            {
                reader.Read();
                millisBehind = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : 0;
            }
            else
            {
                reader.Skip();
            }
        }

        return (records, next, millisBehind);
    }

    private void ReadRecord(ref Utf8JsonReader reader, string shardId, int shardIndex, ref BigInteger? previous)
    {
        int sequenceLength = -1, dataLength = -1, keyLength = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("SequenceNumber"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length <= _sequence.Length)
                    sequenceLength = reader.CopyString(_sequence);
            }
            else if (reader.ValueTextEquals("Data"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    // Servers may escape base64's '+' and '/' in JSON; CopyString unescapes before decoding.
                    EnsureCapacity(ref _data, reader.ValueSpan.Length);
                    var base64Length = reader.CopyString(_data);
                    if (Base64.DecodeFromUtf8InPlace(_data.AsSpan(0, base64Length), out var decoded) == System.Buffers.OperationStatus.Done)
                        dataLength = decoded;
                }
            }
            else if (reader.ValueTextEquals("PartitionKey"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    EnsureCapacity(ref _key, reader.ValueSpan.Length);
                    keyLength = reader.CopyString(_key);
                }
            }
            else
            {
                reader.Skip();
            }
        }

        _result.Read++;
        var sequence = _sequence.AsSpan(0, Math.Max(sequenceLength, 0));
        if (!WireValues.TryParseSequenceNumber(sequence, out var sequenceNumber))
        {
            _result.Unknown++;
            _result.Problem($"{shardId}: record with a missing or malformed SequenceNumber '{Encoding.UTF8.GetString(sequence)}'");
            return;
        }

        if (previous is { } last && sequenceNumber <= last)
        {
            _result.OutOfOrder++;
            _result.Problem($"{shardId}: sequence number {sequenceNumber} follows {last}");
        }

        previous = sequenceNumber;
        if (dataLength < 0 || keyLength < 0)
        {
            _result.Unknown++;
            _result.Problem($"{shardId}: record {sequenceNumber} has missing or undecodable Data or PartitionKey");
            return;
        }

        Check(_data.AsSpan(0, dataLength), _key.AsSpan(0, keyLength), shardId, shardIndex, sequenceNumber);
    }

    private void Check(ReadOnlySpan<byte> data, ReadOnlySpan<byte> key, string shardId, int shardIndex, BigInteger sequenceNumber)
    {
        if (!RecordFactory.TryReadIdentity(data, out var runId, out var phase, out var client, out var counter) ||
            runId != _runId || phase >= _tables.Length || client >= _tables[phase].Length || counter >= _tables[phase][client].Count)
        {
            _result.Unknown++;
            _result.Problem($"{shardId}: record {sequenceNumber} was never sent by this run");
            return;
        }

        var table = _tables[phase][client];
        var index = (int)counter;
        if (table.CountRead(index) > 1)
        {
            _result.Duplicates++;
            _result.Problem($"{shardId}: {Where(phase, client, counter)} read again (sequence number {sequenceNumber})");
            return;
        }

        switch (table.StateOf(index))
        {
            case RecordState.Rejected:
                _result.RejectedButPresent++;
                _result.Problem($"{shardId}: {Where(phase, client, counter)} was reported failed but is in the stream");
                return;
            case RecordState.Pending or RecordState.Indeterminate:
                return;
        }

        var matched = true;
        if (table.ShardIndexOf(index) != shardIndex)
        {
            matched = false;
            _result.WrongShard++;
            _result.Problem($"{shardId}: {Where(phase, client, counter)} was acknowledged on {WireValues.ShardId(table.ShardIndexOf(index))}");
        }

        var acknowledged = table.SequenceNumberOf(index);
        if (!WireValues.TryParseSequenceNumber(acknowledged, out var acknowledgedNumber) || acknowledgedNumber != sequenceNumber)
        {
            matched = false;
            _result.WrongSequenceNumber++;
            _result.Problem($"{shardId}: {Where(phase, client, counter)} read with sequence number {sequenceNumber}, acknowledged with {Encoding.UTF8.GetString(acknowledged)}");
        }

        var factory = _factories[phase];
        EnsureCapacity(ref _expected, factory.RecordSize);
        factory.WriteData(_expected, client, counter);
        if (!data.SequenceEqual(_expected.AsSpan(0, factory.RecordSize)))
        {
            matched = false;
            _result.WrongData++;
            _result.Problem($"{shardId}: {Where(phase, client, counter)} has different data ({data.Length} bytes, expected {factory.RecordSize})");
        }

        Span<byte> expectedKey = stackalloc byte[RecordFactory.PartitionKeyLength];
        factory.WritePartitionKey(expectedKey, client, counter);
        if (!key.SequenceEqual(expectedKey))
        {
            matched = false;
            _result.WrongPartitionKey++;
            _result.Problem($"{shardId}: {Where(phase, client, counter)} has partition key '{Encoding.UTF8.GetString(key)}', expected '{Encoding.UTF8.GetString(expectedKey)}'");
        }

        if (matched)
            _result.Matched++;
    }

    // After the read-back: what was acknowledged but never seen, and how the unknown-outcome puts turned out.
    private void Sweep()
    {
        foreach (var clients in _tables)
        {
            foreach (var table in clients)
            {
                for (var counter = 0; counter < table.Count; counter++)
                {
                    switch (table.StateOf(counter))
                    {
                        case RecordState.Acknowledged:
                            _result.Acknowledged++;
                            if (table.ReadsOf(counter) == 0)
                            {
                                _result.Missing++;
                                // After an aborted read-back every unread record is "missing"; the error says why.
                                if (_result.Error is null)
                                    _result.Problem($"{WireValues.ShardId(table.ShardIndexOf(counter))}: acknowledged record {Encoding.UTF8.GetString(table.SequenceNumberOf(counter))} was not read back");
                            }

                            break;
                        case RecordState.Pending or RecordState.Indeterminate:
                            if (table.ReadsOf(counter) > 0)
                                _result.IndeterminatePresent++;
                            else
                                _result.IndeterminateAbsent++;
                            break;
                    }
                }
            }
        }
    }

    private static string Where(int phase, int client, long counter) => $"phase {phase} client {client} record {counter}";

    private static void EnsureCapacity(ref byte[] buffer, int length)
    {
        if (buffer.Length < length)
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
    }
}
