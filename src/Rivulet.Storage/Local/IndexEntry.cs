namespace Rivulet.Storage.Local;

/// <summary>One sparse-index entry: the frame of <see cref="Position"/>, which arrived at <see cref="ArrivalMs"/>, starts at byte <see cref="Offset"/> of its segment.</summary>
internal readonly record struct IndexEntry(long Position, long ArrivalMs, long Offset);
