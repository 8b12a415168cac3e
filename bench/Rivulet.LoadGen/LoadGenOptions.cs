namespace Rivulet.LoadGen;

internal sealed record LoadGenOptions
{
    public const string DefaultPhases = "putrecords-100,putrecords-1k,putrecord";

    public Uri Endpoint { get; init; } = new("http://127.0.0.1:4567/");
    // A PEM certificate to trust for an https endpoint besides the system's roots (Rivulet's self-signed one).
    public string? CaFile { get; init; }
    public string StreamName { get; init; } = $"loadgen-{DateTime.UtcNow:yyyyMMddHHmmss}-{Random.Shared.Next(0x1000000):x6}";
    public int Shards { get; init; } = 4;
    public int Clients { get; init; } = 8;
    public double DurationSeconds { get; init; } = 10;
    public long MaxRequests { get; init; } = 1_000_000;
    public IReadOnlyList<PhaseSpec> Phases { get; init; } = [];
    public int RecordsPerRequest { get; init; } = 500;
    public string? JsonOut { get; init; }
    public bool KeepStream { get; init; }
    public bool Verify { get; init; } = true;
    public bool Sign { get; init; }

    // application/x-amz-cbor-1.1 for the put phases, as the Java SDK v2 and the KCL send; JSON otherwise.
    public bool Cbor { get; init; }
    public string AccessKey { get; init; } = "AKIAIOSFODNN7EXAMPLE";
    public string SecretKey { get; init; } = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public string Region { get; init; } = "us-east-1";
    public double RequestTimeoutSeconds { get; init; } = 30;
    public double ActiveTimeoutSeconds { get; init; } = 60;
    public double VerifyTimeoutSeconds { get; init; } = 600;
}
