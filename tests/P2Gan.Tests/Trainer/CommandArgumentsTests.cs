using P2Gan.Tests.Support;
using P2Gan.Trainer;
using P2Gan.Trainer.Cli;
using P2Gan.Trainer.Commands;

namespace P2Gan.Tests.Trainer;

/// <summary>Option values of every command: file &lt; environment &lt; command line, any spelling of a name
/// in the file and the environment, and errors that name the option.</summary>
[NonParallelizable] // sets process environment variables
public sealed class CommandArgumentsTests
{
    private static readonly CliOption[] Options =
    [
        CliOption.Value("Checkpoint", "FILE", "checkpoint"),
        CliOption.Value("OutDir", "DIR", "out"),
        CliOption.Value("Count", "N", "count"),
        CliOption.Value("BatchSize", "N", "batch"),
        CliOption.Flag("Ema", "ema"),
    ];

    private static readonly Dictionary<string, string> None = new();

    [TearDown]
    public void ClearEnvironment()
    {
        foreach (string name in new[] { "P2GAN_COUNT", "P2GAN_out_dir", "P2GAN_BATCH_SIZE", "P2GAN_Cuont", "P2GAN_Steps", "P2GAN_Logging__LogLevel__Default" })
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Test]
    public void CommandLineBeatsEnvironmentWhichBeatsTheFile()
    {
        using var temp = new TempDirectory();
        string config = temp.File("options.json");
        File.WriteAllText(config, """{ "checkpoint": "from-file.ckpt", "Count": 3, "out-dir": "file-dir", "ema": true, "batch_size": 2 }""");
        Environment.SetEnvironmentVariable("P2GAN_COUNT", "5");
        Environment.SetEnvironmentVariable("P2GAN_out_dir", "env-dir");
        Environment.SetEnvironmentVariable("P2GAN_BATCH_SIZE", "6");

        var a = CommandArguments.Resolve("sample", Options, config, new Dictionary<string, string> { ["Count"] = "7" });

        Assert.That(a.Required("checkpoint"), Is.EqualTo("from-file.ckpt"));
        Assert.That(a.Optional("out-dir"), Is.EqualTo("env-dir"));
        Assert.That(a.Positive("count", 1), Is.EqualTo(7));
        Assert.That(a.Parse("BatchSize", 0), Is.EqualTo(6));
        Assert.That(a.Flag("ema"), Is.True);
    }

    [Test]
    public void UnknownNamesInTheFileAndBadFilesAreUsageErrors()
    {
        using var temp = new TempDirectory();
        string config = temp.File("bad.json");
        File.WriteAllText(config, """{ "countt": 3 }""");
        var e = Assert.Throws<UsageException>(() => CommandArguments.Resolve("sample", Options, config, None));
        Assert.That(e!.Message, Does.Contain("'countt'").And.Contain("did you mean count?"));

        File.WriteAllText(config, "[1, 2]");
        e = Assert.Throws<UsageException>(() => CommandArguments.Resolve("sample", Options, config, None));
        Assert.That(e!.Message, Does.Contain("JSON object"));

        e = Assert.Throws<UsageException>(() => CommandArguments.Resolve("sample", Options, temp.File("missing.json"), None));
        Assert.That(e!.Message, Does.Contain("no such file"));
    }

    [Test]
    public void AnUnknownP2GanVariableIsAnErrorUnlessAnotherCommandTakesIt()
    {
        Environment.SetEnvironmentVariable("P2GAN_Cuont", "3");
        var e = Assert.Throws<UsageException>(() => CommandArguments.Resolve("sample", Options, null, None));
        Assert.That(e!.Message, Does.Contain("P2GAN_Cuont").And.Contain("did you mean P2GAN_COUNT?"));
        Environment.SetEnvironmentVariable("P2GAN_Cuont", null);

        Environment.SetEnvironmentVariable("P2GAN_Steps", "3"); // train's
        Assert.DoesNotThrow(() => CommandArguments.Resolve("sample", Options, null, None, otherOptions: new HashSet<string> { "steps" }));
    }

    [Test]
    public void TheLoggingSectionComesFromTheFileTheEnvironmentAndTheCommandLine()
    {
        using var temp = new TempDirectory();
        string config = temp.File("log.json");
        File.WriteAllText(config, """{ "Logging": { "LogLevel": { "Default": "Debug", "P2Gan.Native": "Error" } } }""");
        Environment.SetEnvironmentVariable("P2GAN_Logging__LogLevel__Default", "Warning");

        var a = CommandArguments.Resolve("sample", Options, config, None);
        Assert.That(a.Logging["Logging:LogLevel:Default"], Is.EqualTo("Warning"));
        Assert.That(a.Logging["Logging:LogLevel:P2Gan.Native"], Is.EqualTo("Error"));

        a = CommandArguments.Resolve("sample", Options, config, None, new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Trace" });
        Assert.That(a.Logging["Logging:LogLevel:Default"], Is.EqualTo("Trace"));
    }

    [TestCase("BatchSize", "batch-size")]
    [TestCase("LambdaZ", "lambda-z")]
    [TestCase("NDis", "n-dis")]
    [TestCase("Beta1", "beta1")]
    [TestCase("LearningRateD", "learning-rate-d")]
    [TestCase("NonFiniteLearningRateFactor", "non-finite-learning-rate-factor")]
    public void KebabNamesComeFromThePascalCaseNames(string pascal, string kebab)
    {
        Assert.That(P2Gan.Trainer.Training.OptionNames.Kebab(pascal), Is.EqualTo(kebab));
    }
}
