using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Rivulet.Storage.Local;

namespace Rivulet.Storage.Tests.Local;

public sealed class MetadataTests : LocalStoreTestBase
{
    private string StreamDirectory => Path.GetDirectoryName(ShardDirectory)!;

    [Fact]
    public async Task A_crash_between_writing_the_new_version_and_renaming_it_leaves_the_old_version()
    {
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream(), default);
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateStreamAsync(Stream() with { RetentionPeriodHours = 48 }, 0, default));
        }

        // What a crash leaves after meta.json.tmp was written but before the rename: a complete or a torn newer version.
        var temp = Path.Combine(StreamDirectory, "meta.json.tmp");
        File.WriteAllText(temp, File.ReadAllText(Path.Combine(StreamDirectory, "meta.json")).Replace("\"retentionPeriodHours\": 48", "\"retentionPeriodHours\": 96", StringComparison.Ordinal)[..40]);

        await using (var store = await OpenAsync())
        {
            var stream = await store.GetStreamAsync(Key, default);
            Assert.Equal((1L, 48), (stream!.Version, stream.RetentionPeriodHours));
            Assert.False(File.Exists(temp));
            Assert.Equal(StreamStoreOutcome.VersionConflict, await store.UpdateStreamAsync(stream with { RetentionPeriodHours = 96 }, 0, default));
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateStreamAsync(stream with { RetentionPeriodHours = 96 }, 1, default));
        }

        await using (var store = await OpenAsync())
        {
            var stream = await store.GetStreamAsync(Key, default);
            Assert.Equal((2L, 96), (stream!.Version, stream.RetentionPeriodHours));
        }
    }

    [Fact]
    public async Task Hash_keys_are_stored_as_decimal_strings()
    {
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream(), default);
        }

        var json = File.ReadAllText(Path.Combine(StreamDirectory, "meta.json"));
        Assert.Contains("\"endingHashKey\": \"340282366920938463463374607431768211455\"", json, StringComparison.Ordinal);
        Assert.Contains("\"startingHashKey\": \"0\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stream_directory_whose_creation_never_finished_is_removed_on_open()
    {
        var orphan = Path.Combine(DataDirectory, "streams", "000000000000", "half.1700000000000");
        await using (var store = await OpenAsync())
        {
            Directory.CreateDirectory(Path.Combine(orphan, "shard-0"));
        }

        await using (var store = await OpenAsync())
        {
            Assert.False(Directory.Exists(orphan));
            Assert.Contains(Errors, line => line.Contains(orphan, StringComparison.Ordinal));
            Assert.Empty(await store.ListStreamsAsync(Key.Account, default));
        }
    }

    [Fact]
    public async Task Deleting_a_stream_removes_its_directory_and_leaves_the_trash_empty()
    {
        await using var store = await OpenAsync();
        await store.CreateStreamAsync(Stream(), default);
        await store.GetShardLog(Key, CreatedAtMs, 0).AppendAsync(new[] { Record(0) }, default);
        Assert.True(Directory.Exists(ShardDirectory));

        await store.DeleteStreamAsync(Key, CreatedAtMs, default);

        Assert.False(Directory.Exists(StreamDirectory));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(DataDirectory, "trash")));
        var append = await store.GetShardLog(Key, CreatedAtMs, 0).AppendAsync(new[] { Record(0) }, default);
        Assert.Equal(AppendStatus.StreamDeleted, append.Status);
        Assert.False(Directory.Exists(StreamDirectory));
    }

    [Fact]
    public async Task A_damaged_metadata_file_takes_only_its_own_stream_out_of_service()
    {
        var healthy = Key with { StreamName = "healthy" };
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream(), default);
            await AppendAsync(store.GetShardLog(Key, CreatedAtMs, 0), 0, 3);
            await store.CreateStreamAsync(Stream() with { Key = healthy }, default);
            await AppendAsync(store.GetShardLog(healthy, CreatedAtMs, 0), 0, 4);
        }

        var metadata = Path.Combine(StreamDirectory, "meta.json");
        File.WriteAllText(metadata, "{\"format\": 1, \"shards\": [");

        await using (var store = await OpenAsync())
        {
            await AssertHoldsAsync(store.GetShardLog(healthy, CreatedAtMs, 0), 4);
            Assert.Equal(AppendStatus.Appended, (await store.GetShardLog(healthy, CreatedAtMs, 0).AppendAsync(new[] { Record(4) }, default)).Status);
            Assert.Contains(Errors, line => line.Contains(metadata, StringComparison.Ordinal) && line.Contains("not valid JSON", StringComparison.Ordinal));

            // Still there: listed, its name taken, but not served; and nothing of it was touched.
            var damaged = await store.GetStreamAsync(Key, default);
            Assert.NotNull(damaged);
            Assert.Contains(metadata, damaged.Damage, StringComparison.Ordinal);
            Assert.Equal(["healthy", "local"], (await store.ListStreamsAsync(Key.Account, default)).Select(s => s.Key.StreamName));
            Assert.Equal(StreamStoreOutcome.AlreadyExists, await store.CreateStreamAsync(Stream() with { CreatedAtMs = CreatedAtMs + 1 }, default));
            Assert.Equal(AppendStatus.StorageFailure, (await store.GetShardLog(Key, CreatedAtMs, 0).AppendAsync(new[] { Record(3) }, default)).Status);
            await Assert.ThrowsAnyAsync<IOException>(async () => await store.UpdateStreamAsync(damaged with { RetentionPeriodHours = 48 }, damaged.Version, default));
            Assert.Equal("{\"format\": 1, \"shards\": [", File.ReadAllText(metadata));
            Assert.Single(SegmentFiles());
        }

        await using (var store = await OpenAsync())
        {
            Assert.Equal(StreamStoreOutcome.Done, await store.DeleteStreamAsync(Key, CreatedAtMs, default));
            Assert.False(Directory.Exists(StreamDirectory));
            Assert.Equal(StreamStoreOutcome.Done, await store.CreateStreamAsync(Stream() with { CreatedAtMs = CreatedAtMs + 1 }, default));
        }
    }

    [Fact]
    public async Task Metadata_naming_another_stream_than_its_directory_is_damage_to_that_stream_only()
    {
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream(), default);
            await store.CreateStreamAsync(Stream() with { Key = Key with { StreamName = "other" } }, default);
        }

        var metadata = Path.Combine(StreamDirectory, "meta.json");
        File.WriteAllText(metadata, File.ReadAllText(metadata).Replace("\"local\"", "\"elsewhere\"", StringComparison.Ordinal));

        await using (var store = await OpenAsync())
        {
            Assert.Null((await store.GetStreamAsync(Key with { StreamName = "other" }, default))!.Damage);
            Assert.Contains("not the stream its directory names", (await store.GetStreamAsync(Key, default))!.Damage, StringComparison.Ordinal);
            Assert.Contains(Errors, line => line.Contains(metadata, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Only_one_store_at_a_time_may_open_a_data_directory()
    {
        var first = await OpenAsync();
        var refused = await Assert.ThrowsAsync<IOException>(() => OpenAsync());
        Assert.Contains("in use", refused.Message, StringComparison.Ordinal);

        await first.DisposeAsync();
        await using var second = await OpenAsync();
    }

    [Fact]
    public async Task Names_that_would_escape_the_data_directory_are_refused()
    {
        await using var store = await OpenAsync();

        await Assert.ThrowsAsync<ArgumentException>(async () => await store.CreateStreamAsync(Stream() with { Key = new StreamKey("..", "us-east-1", "x") }, default));
        await Assert.ThrowsAsync<ArgumentException>(async () => await store.CreateStreamAsync(Stream() with { Key = new StreamKey("000000000000", "us-east-1", "a/b") }, default));
    }

    [Fact]
    public async Task Stream_names_with_dots_keep_their_incarnations_apart()
    {
        var dotted = new StreamKey("000000000000", "us-east-1", "orders.v2.1700000000000");
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream() with { Key = dotted, CreatedAtMs = 5 }, default);
            await store.GetShardLog(dotted, 5, 0).AppendAsync(new[] { Record(0) }, default);
        }

        await using (var store = await OpenAsync())
        {
            var stream = await store.GetStreamAsync(dotted, default);
            Assert.Equal(5, stream!.CreatedAtMs);
            Assert.Equal(1, store.GetShardLog(dotted, 5, 0).Tail.NextPosition);
        }
    }

    [Fact]
    public async Task A_data_directory_of_another_format_is_refused()
    {
        await using (await OpenAsync())
        {
        }

        File.WriteAllText(Path.Combine(DataDirectory, "FORMAT"), "rivulet-local 99\n");

        var refused = await Assert.ThrowsAsync<IOException>(() => OpenAsync());
        Assert.Contains("rivulet-local 99", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encryption_monitoring_mode_and_distribution_settings_survive_a_restart()
    {
        var configured = Stream() with
        {
            StreamMode = "ON_DEMAND",
            EncryptionType = "KMS",
            KeyId = "alias/aws/kinesis",
            ShardLevelMetrics = ["IncomingBytes", "OutgoingRecords"],
            MaxRecordSizeInKiB = 4096,
            RecordDistributionStrategy = "AUTO",
            EncryptionStartsAtMs = [CreatedAtMs + 1, CreatedAtMs + 2],
            EncryptionStopsAtMs = [CreatedAtMs + 3],
            StreamModeChangesAtMs = [CreatedAtMs + 4],
            WarmThroughputTargetMiBps = 100,
            WarmThroughputPreviousMiBps = 4,
            WarmThroughputSettlesAtMs = CreatedAtMs + 5,
        };
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream(), default);
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateStreamAsync(configured, 0, default));
        }

        await using (var store = await OpenAsync())
        {
            var stream = (await store.GetStreamAsync(Key, default))!;
            Assert.Equal(("ON_DEMAND", "KMS", "alias/aws/kinesis", 4096, "AUTO"), (stream.StreamMode, stream.EncryptionType, stream.KeyId, stream.MaxRecordSizeInKiB, stream.RecordDistributionStrategy));
            Assert.Equal(["IncomingBytes", "OutgoingRecords"], stream.ShardLevelMetrics);
            Assert.Equal([CreatedAtMs + 1, CreatedAtMs + 2], stream.EncryptionStartsAtMs);
            Assert.Equal([CreatedAtMs + 3], stream.EncryptionStopsAtMs);
            Assert.Equal([CreatedAtMs + 4], stream.StreamModeChangesAtMs);
            Assert.Equal((100, 4, CreatedAtMs + 5), (stream.WarmThroughputTargetMiBps!.Value, stream.WarmThroughputPreviousMiBps!.Value, stream.WarmThroughputSettlesAtMs!.Value));
        }
    }

    [Fact]
    public async Task Metadata_written_before_the_distribution_strategy_existed_reads_as_placed_by_partition_key()
    {
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream(), default);
        }

        var metadata = Path.Combine(StreamDirectory, "meta.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(metadata))!.AsObject();
        json.Remove("recordDistributionStrategy");
        json.Remove("encryptionStartsAtMs");
        File.WriteAllText(metadata, json.ToJsonString());

        await using (var store = await OpenAsync())
        {
            var stream = (await store.GetStreamAsync(Key, default))!;
            Assert.Equal("USER_PARTITION_KEY", stream.RecordDistributionStrategy);
            Assert.Empty(stream.EncryptionStartsAtMs);
            Assert.Null(stream.WarmThroughputTargetMiBps);
        }
    }

    [Fact]
    public async Task Resource_policies_and_consumer_tags_survive_reopening_the_store()
    {
        const string StreamPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kinesis:GetRecords"}]}""";
        const string ConsumerPolicy = """{ "Statement" : { "Effect":"Allow", "Principal":"*", "Action":"kinesis:SubscribeToShard" } }""";
        var consumer = new ConsumerMetadata("reader", CreatedAtMs, "ACTIVE")
        {
            Tags = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [new KeyValuePair<string, string>("team", "data"), new("empty", "")]),
            ResourcePolicy = ConsumerPolicy,
        };
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream(), default);
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateStreamAsync(Stream() with { ResourcePolicy = StreamPolicy, Consumers = [consumer, new ConsumerMetadata("plain", CreatedAtMs, "CREATING", CreatedAtMs + 5)] }, 0, default));
        }

        await using (var store = await OpenAsync())
        {
            var stream = await store.GetStreamAsync(Key, default);
            Assert.Equal(StreamPolicy, stream!.ResourcePolicy);
            Assert.Equal(consumer, stream.Consumers[0]);
            Assert.Equal([new("empty", ""), new("team", "data")], stream.Consumers[0].Tags.ToArray());
            Assert.Equal(ConsumerPolicy, stream.Consumers[0].ResourcePolicy);
            Assert.Empty(stream.Consumers[1].Tags);
            Assert.Null(stream.Consumers[1].ResourcePolicy);
            Assert.Equal(StreamStoreOutcome.Done, await store.UpdateStreamAsync(stream with { ResourcePolicy = null }, 1, default));
        }

        await using (var store = await OpenAsync())
        {
            Assert.Null((await store.GetStreamAsync(Key, default))!.ResourcePolicy);
        }
    }

    [Fact]
    public async Task Metadata_written_before_policies_existed_reads_as_having_none()
    {
        await using (var store = await OpenAsync())
        {
            await store.CreateStreamAsync(Stream() with { Consumers = [new ConsumerMetadata("reader", CreatedAtMs, "ACTIVE")] }, default);
        }

        // The file as the previous version wrote it: consumers had no tags member.
        var path = Path.Combine(StreamDirectory, "meta.json");
        var document = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.False(document.ContainsKey("resourcePolicy"));
        Assert.True(document["consumers"]![0]!.AsObject().Remove("tags"));
        File.WriteAllText(path, document.ToJsonString());

        await using (var store = await OpenAsync())
        {
            var stream = await store.GetStreamAsync(Key, default);
            Assert.Null(stream!.Damage);
            Assert.Null(stream.ResourcePolicy);
            Assert.Empty(stream.Consumers[0].Tags);
        }
    }
}
