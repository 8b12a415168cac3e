using BenchmarkDotNet.Running;
using Rivulet.Benchmarks;

// "recovery" and its children "write" and "reopen" measure the local store's recovery time and memory; anything else goes to BenchmarkDotNet.
return args.FirstOrDefault() switch
{
    "recovery" => await RecoveryMeasurement.RunAsync(args[1..]),
    "write" => await RecoveryMeasurement.WriteAsync(args[1..]),
    "reopen" => await RecoveryMeasurement.ReopenAsync(args[1..]),
    _ => Run(args),
};

static int Run(string[] args)
{
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    return 0;
}
