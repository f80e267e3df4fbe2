using System.Text.Json;
using P2Gan.Tests.Support;
using P2Gan.Trainer;

namespace P2Gan.Tests.Trainer;

/// <summary>The old PascalCase spellings, every source of 'p2gan train' options under any spelling, and
/// the logging switches, through tiny real runs.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error and sets environment variables
public sealed class CliSourcesTests
{
    private TempDirectory? _temp;

    [SetUp]
    public void SetUp()
    {
        NativeRequirement.Require();
        _temp = new TempDirectory();
    }

    [TearDown]
    public void TearDown()
    {
        _temp?.Dispose();
        foreach (string name in new[] { "P2GAN_STEPS", "P2GAN_Logging__LogLevel__Default" }) Environment.SetEnvironmentVariable(name, null);
    }

    private static JsonElement Config(string runDir) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "config.json"))).RootElement;

    /// <summary>Kept for one release: the PascalCase options of earlier versions, hidden from help.</summary>
    [Test]
    public async Task ThePascalCaseSpellingsOfEarlierVersionsStillWork()
    {
        string run = _temp!.File("pascal");
        (int code, string error, _) = await TrainerCli.Run(
            "train", "--Dataset", "synthetic:20", "--Channels", "1", "--BatchSize", "4", "--BaseChannels", "4", "--NoiseDim", "8",
            "--PosteriorDim", "8", "--Threads", "1", "--RunDir", run, "--Seed", "3", "--EvalAtEnd", "false", "--Steps", "2",
            "--LambdaZ", "5", "--HorizontalFlip", "true");
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        JsonElement config = Config(run);
        Assert.That(config.GetProperty("Steps").GetInt32(), Is.EqualTo(2));
        Assert.That(config.GetProperty("LambdaZ").GetSingle(), Is.EqualTo(5f));
        Assert.That(config.GetProperty("HorizontalFlip").GetBoolean(), Is.True);

        (code, error, string output) = await TrainerCli.Run("bench-data", "--Dataset", "synthetic:32", "--BatchSize", "8",
            "--Batches", "2", "--Prefetch", "2", "--Flip");
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        Assert.That(output, Does.Contain("images_per_second"));
    }

    [Test]
    public async Task FileKeysAndVariablesMayBeKebabPascalOrUpperSnakeAndTheCommandLineWins()
    {
        string run = _temp!.File("sources");
        string file = _temp.File("train.json");
        File.WriteAllText(file, """{ "batch-size": 2, "Steps": 1, "log_every": 1, "Logging": { "LogLevel": { "Default": "Warning" } } }""");
        Environment.SetEnvironmentVariable("P2GAN_STEPS", "2");
        (int code, string error, _) = await TrainerCli.Run(TrainerCli.TinyTrain(run, "--config", file, "--steps", "3"));
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        JsonElement config = Config(run);
        Assert.Multiple(() =>
        {
            Assert.That(config.GetProperty("Steps").GetInt32(), Is.EqualTo(3), "command line over environment over file");
            Assert.That(config.GetProperty("BatchSize").GetInt32(), Is.EqualTo(4), "TinyTrain's --batch-size over the file");
            Assert.That(config.GetProperty("LogEvery").GetInt32(), Is.EqualTo(1));
        });

        File.WriteAllText(file, """{ "batch-size": "many" }""");
        (code, error, _) = await TrainerCli.Run("train", "--config", file, "--run-dir", _temp.File("bad"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("invalid value 'many' for --batch-size: a whole number").And.Not.Contain("System."));
    }

    private async Task<string> TrainOutput(string name, params string[] extra)
    {
        (int code, string error, string output) = await TrainerCli.Run(
            TrainerCli.TinyTrain(_temp!.File(name), ["--steps", "2", "--log-every", "1", .. extra]));
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        return output + error;
    }

    [Test]
    public async Task WarningSilencesTheStepLinesFromEverySource()
    {
        Assert.That(await TrainOutput("normal"), Does.Contain("step      2/2"), "the per-step info lines, by default");
        Assert.That(await TrainOutput("verbosity", "--verbosity", "minimal"), Does.Not.Contain("step      2/2").And.Not.Contain("info:"));
        Assert.That(await TrainOutput("switch", "--Logging:LogLevel:Default=Warning"), Does.Not.Contain("step      2/2"));
        Environment.SetEnvironmentVariable("P2GAN_Logging__LogLevel__Default", "Warning");
        Assert.That(await TrainOutput("environment"), Does.Not.Contain("step      2/2"));
        Assert.That(await TrainOutput("verbosity-wins", "--verbosity", "normal"), Does.Contain("step      2/2"));
    }

    [Test]
    public async Task JsonLogFormatWritesOneJsonObjectPerLine()
    {
        string output = await TrainOutput("json", "--log-format", "json");
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines, Is.Not.Empty);
        foreach (string line in lines)
        {
            using JsonDocument document = JsonDocument.Parse(line);
            Assert.That(document.RootElement.TryGetProperty("LogLevel", out _), Is.True, line);
        }
        Assert.That(output, Does.Contain("step      2/2"));
    }

    [Test]
    public async Task BenchLogsToStandardErrorSoThatStandardOutputStaysOneJsonObject()
    {
        string[] bench = ["bench", "--steps", "1", "--warmup", "0", "--batch", "2", "--base-channels", "2", "--noise-dim", "4",
            "--posterior-dim", "4", "--threads", "1"];
        (int code, string error, string output) = await TrainerCli.Run(bench);
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        using (JsonDocument.Parse(output)) { }
        Assert.That(error, Does.Contain("info: P2Gan.Native"), "the native library's messages join the log");

        (code, error, output) = await TrainerCli.Run([.. bench, "--verbosity", "quiet"]);
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error);
        using (JsonDocument.Parse(output)) { }
        Assert.That(error, Does.Not.Contain("info:"));
    }

    [Test]
    public async Task BadLoggingValuesAreUsageErrors()
    {
        (int code, string error, _) = await TrainerCli.Run(TrainerCli.TinyTrain(_temp!.File("v"), "--verbosity", "loud"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("--verbosity").And.Contain("quiet"));
        (code, error, _) = await TrainerCli.Run(TrainerCli.TinyTrain(_temp!.File("f"), "--log-format", "xml"));
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain("--log-format"));
    }
}
