namespace Rivulet.LoadGen;

internal sealed class VerificationResult
{
    private const int MaxProblems = 20;

    public int Shards { get; set; }
    public long Pages { get; set; }
    public long Acknowledged { get; set; }
    public long Read { get; set; }

    // Acknowledged, read exactly once, on the acknowledged shard, with the acknowledged sequence number, data and key.
    public long Matched { get; set; }

    // Failures: each of these makes the run FAIL.
    public long Missing { get; set; }
    public long Duplicates { get; set; }
    public long Unknown { get; set; }
    public long WrongShard { get; set; }
    public long WrongSequenceNumber { get; set; }
    public long WrongData { get; set; }
    public long WrongPartitionKey { get; set; }
    public long OutOfOrder { get; set; }
    public long RejectedButPresent { get; set; }

    // Records whose put had an unknown outcome (timeout, 5xx): either way is correct, so they are only reported.
    public long IndeterminatePresent { get; set; }
    public long IndeterminateAbsent { get; set; }

    // Set when the read-back could not finish (endpoint error, timeout); the run then FAILs.
    public string? Error { get; set; }

    public double ElapsedSeconds { get; set; }

    public List<string> Problems { get; } = [];

    public bool Passed =>
        Error is null && Missing == 0 && Duplicates == 0 && Unknown == 0 && WrongShard == 0 && WrongSequenceNumber == 0 &&
        WrongData == 0 && WrongPartitionKey == 0 && OutOfOrder == 0 && RejectedButPresent == 0 && Matched == Acknowledged;

    public void Problem(string message)
    {
        if (Problems.Count < MaxProblems)
            Problems.Add(message);
    }
}
