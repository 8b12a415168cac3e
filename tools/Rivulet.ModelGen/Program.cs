using Rivulet.ModelGen;

// dotnet run --project tools/Rivulet.ModelGen -- [model.json] [outputDir]
var modelPath = args.Length > 0 ? args[0] : Path.Combine(RepositoryRoot(), "tools", "Rivulet.ModelGen", "model", "kinesis-2013-12-02.service-2.json");
var outputDirectory = args.Length > 1 ? args[1] : Path.Combine(RepositoryRoot(), "src", "Rivulet.Protocol", "Model", "Generated");

var files = ModelGenerator.Generate(File.ReadAllText(modelPath));
Directory.CreateDirectory(outputDirectory);

// A shape that left the model must not keep compiling from a stale file.
foreach (var existing in Directory.GetFiles(outputDirectory, "*.g.cs"))
{
    if (!files.ContainsKey(Path.GetFileName(existing)))
    {
        File.Delete(existing);
        Console.WriteLine($"deleted {existing}");
    }
}

var written = 0;
foreach (var (name, content) in files)
{
    // Untouched files keep their timestamps, so a regeneration that changes nothing rebuilds nothing.
    var path = Path.Combine(outputDirectory, name);
    if (!File.Exists(path) || File.ReadAllText(path) != content)
    {
        File.WriteAllText(path, content);
        written++;
    }
}

Console.WriteLine($"{files.Count} files in {outputDirectory}, {written} written");

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Rivulet.slnx")))
        {
            return directory.FullName;
        }
    }

    throw new DirectoryNotFoundException("Run from inside the repository, or pass the model and output paths.");
}
