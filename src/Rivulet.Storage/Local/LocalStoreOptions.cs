namespace Rivulet.Storage.Local;

/// <summary>How <see cref="LocalStreamStore.OpenAsync"/> lays out and syncs a data directory.</summary>
public sealed record LocalStoreOptions
{
    public const long DefaultSegmentBytes = 64L << 20;

    public const int DefaultIndexIntervalBytes = 64 << 10;

    public const int DefaultMaxOpenFiles = 1024;

    /// <summary>Fewer open files than this would make a reopen of nearly every read and write.</summary>
    public const int MinMaxOpenFiles = 4;

    /// <summary>The store's directory; created if missing. Only one process may open it at a time.</summary>
    public required string DataDirectory { get; init; }

    public FsyncPolicy FsyncPolicy { get; init; } = FsyncPolicy.Always;

    /// <summary>
    /// The region of streams and accounts whose documents name none: those written before data
    /// directories recorded regions. Pass the server's configured region, which they were served in.
    /// </summary>
    public string DefaultRegion { get; init; } = "us-east-1";

    /// <summary>A shard's active segment file is sealed and a new one started once it holds this many bytes (one append is never split).</summary>
    public long SegmentBytes { get; init; } = DefaultSegmentBytes;

    /// <summary>Bytes of log between two entries of a segment's in-memory index: 64 KiB gives 16 KiB of index per GiB stored.</summary>
    public int IndexIntervalBytes { get; init; } = DefaultIndexIntervalBytes;

    /// <summary>
    /// Segment files kept open at once, however many shards and segments there are; the others are
    /// reopened when next read or written. Each costs one of the process's descriptors.
    /// </summary>
    public int MaxOpenFiles { get; init; } = DefaultMaxOpenFiles;

    /// <summary>The clock that stamps arrival times.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The file layer; real files unless a test puts a <see cref="FaultInjectingDevice"/> here.</summary>
    public IStorageDevice Device { get; init; } = FileStorageDevice.Instance;

    /// <summary>Receives one line per storage failure and per repair made during recovery.</summary>
    public Action<string> ErrorSink { get; init; } = static line => Console.Error.WriteLine(line);

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(DataDirectory);
        StoreLayout.RegionName(DefaultRegion);
        ArgumentOutOfRangeException.ThrowIfLessThan(SegmentBytes, 1024L, nameof(SegmentBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(SegmentBytes, 1L << 30, nameof(SegmentBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(IndexIntervalBytes, 256, nameof(IndexIntervalBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOpenFiles, MinMaxOpenFiles, nameof(MaxOpenFiles));
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentNullException.ThrowIfNull(Device);
        ArgumentNullException.ThrowIfNull(ErrorSink);
    }
}
