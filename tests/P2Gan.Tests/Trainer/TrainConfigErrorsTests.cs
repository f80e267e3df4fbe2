using P2Gan.Tests.Support;
using P2Gan.Trainer;

namespace P2Gan.Tests.Trainer;

/// <summary>Mistakes in --config files and P2GAN_ variables are usage errors, not silently ignored (issue 11).
/// All fail before the native library is touched.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error and sets environment variables
public sealed class TrainConfigErrorsTests
{
    private TempDirectory? _temp;

    [SetUp]
    public void SetUp() => _temp = new TempDirectory();

    [TearDown]
    public void TearDown() => _temp?.Dispose();

    private string[] Args(params string[] extra) => TrainerCli.TinyTrain(_temp!.File("run"), extra);

    [Test]
    public async Task AnUnknownKeyInTheConfigFileIsNamedWithTheClosestOption()
    {
        string file = _temp!.File("train.json");
        File.WriteAllText(file, """{ "Steps": 2, "LambdaZZ": 5 }""");
        (int code, string error, _) = await TrainerCli.Run(Args("--config", file));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("unknown option 'LambdaZZ' in " + file + "; did you mean lambda-z?"));

        File.WriteAllText(file, """{ "CheckpointEv": 2 }"""); // a prefix
        (code, error, _) = await TrainerCli.Run(Args("--config", file));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("'CheckpointEv'").And.Contain("did you mean checkpoint-every?"));

        File.WriteAllText(file, """{ "Completely": 1 }""");
        (code, error, _) = await TrainerCli.Run(Args("--config", file));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("'Completely'").And.Not.Contain("did you mean"));
        Assert.That(Directory.Exists(_temp!.File("run")), Is.False, "nothing ran");
    }

    [Test]
    public async Task NestedObjectsInTheConfigFileAreUsageErrors()
    {
        string file = _temp!.File("train.json");
        File.WriteAllText(file, """{ "Model": { "LambdaZ": 5 } }""");
        (int code, string error, _) = await TrainerCli.Run(Args("--config", file));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("'Model'"));

        File.WriteAllText(file, """{ "LambdaZ": { "Value": 5 } }""");
        (code, error, _) = await TrainerCli.Run(Args("--config", file));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("'LambdaZ'").And.Contain("nested"));
    }

    [Test]
    public async Task AMalformedConfigFileNamesTheFileAndTheLine()
    {
        string file = _temp!.File("train.json");
        File.WriteAllText(file, "{\n  \"Steps\": 2,\n  \"NDis\": oops\n}");
        (int code, string error, _) = await TrainerCli.Run(Args("--config", file));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain($"invalid --config {file}: ").And.Contain("LineNumber: 2"));
    }

    [Test]
    public async Task UnknownP2GanEnvironmentVariablesAreUsageErrorsButTheProjectsOwnAreNot()
    {
        Environment.SetEnvironmentVariable("P2GAN_LambdaZZ", "1");
        try
        {
            (int code, string error, _) = await TrainerCli.Run(Args());
            Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
            Assert.That(error, Does.Contain("P2GAN_LambdaZZ").And.Contain("did you mean P2GAN_LAMBDA_Z?"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("P2GAN_LambdaZZ", null);
        }

        Environment.SetEnvironmentVariable("P2GAN_Foo", "1");
        try
        {
            (int code, string error, _) = await TrainerCli.Run(Args());
            Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
            Assert.That(error, Does.Contain("'Foo'").And.Contain("P2GAN_Foo"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("P2GAN_Foo", null);
        }

        // The project's own variables pass the check (the run then fails later, on its bad Steps, as usual).
        string? before = Environment.GetEnvironmentVariable("P2GAN_CONFIGURATION");
        Environment.SetEnvironmentVariable("P2GAN_CONFIGURATION", "Release");
        try
        {
            (int code, string error, _) = await TrainerCli.Run(Args("--steps", "-1"));
            Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
            Assert.That(error, Does.Contain("--steps").And.Not.Contain("P2GAN_CONFIGURATION"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("P2GAN_CONFIGURATION", before);
        }
        Assert.That(ProjectEnvironment.Variables, Is.SupersetOf(new[]
        {
            "P2GAN_NATIVE_LIBRARY", "P2GAN_CACHE_DIR", "P2GAN_REQUIRE_NATIVE", "P2GAN_BENCH_NATIVE", "P2GAN_CONFIGURATION",
        }));
    }

    [Test]
    public async Task AMistypedCommandLineOptionGetsASuggestion()
    {
        (int code, string error, _) = await TrainerCli.Run(Args("--batch-sise", "4"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("--batch-sise").And.Contain("did you mean --batch-size?"));
    }
}
