namespace Rivulet.LoadGen;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (!OptionsParser.TryParse(args, out var options, out var error))
        {
            if (error is null)
            {
                Console.WriteLine(OptionsParser.HelpText);
                return 0;
            }

            Console.Error.WriteLine($"error: {error} (see --help)");
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return await LoadRun.ExecuteAsync(options!, Console.Out, cancellation.Token).ConfigureAwait(false);
    }
}
