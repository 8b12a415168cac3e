using BenchmarkDotNet.Running;
using Rivulet.Benchmarks;

// "recovery" (with its children "write" and "reopen") and "shards" are measurements of their own; anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "recovery" => await RecoveryMeasurement.RunAsync(args[1..]),
    "write" => await RecoveryMeasurement.WriteAsync(args[1..]),
    "reopen" => await RecoveryMeasurement.ReopenAsync(args[1..]),
    "shards" => await ShardScaleMeasurement.RunAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
