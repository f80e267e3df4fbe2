using P2Gan.Tests.Support;
using P2Gan.Trainer;
using P2Gan.Trainer.Commands;

namespace P2Gan.Tests.Trainer;

/// <summary>Options of the non-train commands: file &lt; environment &lt; command line, and errors that name the option.</summary>
[NonParallelizable] // sets process environment variables
public sealed class CommandArgumentsTests
{
    private static readonly string[] Valued = ["checkpoint", "out-dir", "count"];
    private static readonly string[] Flags = ["ema"];

    [TearDown]
    public void ClearEnvironment()
    {
        Environment.SetEnvironmentVariable("P2GAN_COUNT", null);
        Environment.SetEnvironmentVariable("P2GAN_out_dir", null);
    }

    [Test]
    public void CommandLineBeatsEnvironmentWhichBeatsTheFile()
    {
        using var temp = new TempDirectory();
        string config = temp.File("options.json");
        File.WriteAllText(config, """{ "checkpoint": "from-file.ckpt", "count": 3, "out-dir": "file-dir", "ema": true }""");
        Environment.SetEnvironmentVariable("P2GAN_COUNT", "5");
        Environment.SetEnvironmentVariable("P2GAN_out_dir", "env-dir");

        var a = CommandArguments.Parse("sample", ["--config", config, "--count", "7"], Valued, Flags);

        Assert.That(a.Required("checkpoint"), Is.EqualTo("from-file.ckpt"));
        Assert.That(a.Optional("out-dir"), Is.EqualTo("env-dir"));
        Assert.That(a.Positive("count", 1), Is.EqualTo(7));
        Assert.That(a.Flag("ema"), Is.True);
    }

    [Test]
    public void UnknownNamesInTheFileAndBadFilesAreUsageErrors()
    {
        using var temp = new TempDirectory();
        string config = temp.File("bad.json");
        File.WriteAllText(config, """{ "countt": 3 }""");
        var e = Assert.Throws<UsageException>(() => CommandArguments.Parse("sample", ["--config", config], Valued, Flags));
        Assert.That(e!.Message, Does.Contain("countt"));

        File.WriteAllText(config, "[1, 2]");
        e = Assert.Throws<UsageException>(() => CommandArguments.Parse("sample", ["--config", config], Valued, Flags));
        Assert.That(e!.Message, Does.Contain("JSON object"));

        e = Assert.Throws<UsageException>(() => CommandArguments.Parse("sample", ["--config", temp.File("missing.json")], Valued, Flags));
        Assert.That(e!.Message, Does.Contain("no such file"));

        e = Assert.Throws<UsageException>(() => CommandArguments.Parse("sample", ["--cont", "3"], Valued, Flags));
        Assert.That(e!.Message, Does.Contain("--cont"));
    }
}
