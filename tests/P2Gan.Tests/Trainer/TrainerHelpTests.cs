using System.Text.RegularExpressions;
using P2Gan.Datasets;
using P2Gan.Tests.Support;
using P2Gan.Trainer;
using P2Gan.Trainer.Commands;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>Help and version output need no native library.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out
public sealed class TrainerHelpTests
{
    private static async Task<(int Code, string Output)> Help(params string[] args)
    {
        (int code, string error, string output) = await TrainerCli.Run(args);
        return (code, output + error);
    }

    [Test]
    public async Task HelpListsCommandsAndOptionsWithDefaults()
    {
        (int code, string train) = await Help("train", "--help");
        Assert.That(code, Is.EqualTo(0));
        (code, string root) = await Help("--help");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(train, Does.Contain("--preset").And.Contain("cpu-small").And.Contain("--sample-every").And.Contain("Usage:\n  p2gan train"));
        Assert.That(root, Does.Contain("forward").And.Contain("train-classifier").And.Contain("p2gan <command>"));
        Assert.That(train + root, Does.Not.Contain("P2Gan.Trainer "), "the tool is named as typed");
    }

    [Test]
    public async Task NoArgumentsPrintsTheHelpAsAUsageError()
    {
        (int code, string output) = await Help();
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(output, Does.Contain("Commands:"));
    }

    [TestCase("train", "--checkpoint-every", "--keep-checkpoints", "--learning-rate-schedule", "--ema-warmup", "--max-non-finite-retries", "--eval-every", "--resume")]
    [TestCase("train", "--lambda-z", "--mu-a", "--sigma-a", "--mu-b", "--sigma-b", "--distance-estimator", "--beta1", "--beta2", "--n-dis", "--pretrain-steps")]
    [TestCase("train", "--threads", "--device", "--precision", "--memory-format", "--kernels", "--verbosity", "--log-format", "--config")]
    [TestCase("bench", "--lambda-z", "--base-channels", "--memory-format", "--batch", "--peak", "--native-only")]
    [TestCase("bench-data", "--dataset", "--batch-size", "--prefetch-batches", "--horizontal-flip", "--decode-threads")]
    [TestCase("sample", "--checkpoint", "--out", "--out-dir", "--count", "--seed", "--ema")]
    [TestCase("interpolate", "--seed-a", "--seed-b", "--image-a", "--image-b", "--steps", "--ema")]
    [TestCase("encode", "--checkpoint", "--images", "--out")]
    [TestCase("export", "--checkpoint", "--out")]
    [TestCase("forward", "--checkpoint", "--real", "--noise", "--posterior-noise", "--out")]
    [TestCase("eval", "--checkpoint", "--fake-dataset", "--classifier-train-limit", "--features-out", "--stats-dir")]
    [TestCase("train-classifier", "--epochs", "--train-limit", "--classifier-dir")]
    public async Task EveryCommandHelpListsItsOptionsInKebabCaseOnly(string command, params string[] options)
    {
        (int code, string output) = await Help(command, "--help");
        Assert.That(code, Is.EqualTo(0));
        foreach (string option in options) Assert.That(output, Does.Contain(option + " "), option);
        if (command != "export") Assert.That(output, Does.Contain("[default: "));
        // The PascalCase spellings are hidden aliases: accepted, never shown.
        Assert.That(Regex.Matches(output, @"--[A-Z][A-Za-z]+").Select(m => m.Value).Where(m => !m.StartsWith("--Logging")), Is.Empty);
    }

    /// <summary>Every option's description, its wrapped lines joined, by option name.</summary>
    private static Dictionary<string, string> OptionRows(string help)
    {
        var rows = new Dictionary<string, string>();
        string? current = null;
        foreach (string line in help.Split('\n').SkipWhile(l => !l.StartsWith("Options:")).Skip(1))
        {
            if (line.Trim().Length == 0) break;
            Match m = Regex.Match(line, @"^  (--[a-z0-9-]+)");
            if (m.Success) rows[current = m.Groups[1].Value] = line[m.Length..].Trim();
            else if (current is not null) rows[current] += " " + line.Trim();
        }
        return rows;
    }

    [Test]
    public async Task TrainHelpShowsTheNativeDescriptionsAndConstraintsOfTheModelSettings()
    {
        (_, string output) = await Help("train", "--help");
        Dictionary<string, string> rows = OptionRows(output);
        Assert.Multiple(() =>
        {
            Assert.That(rows["--lambda-z"], Does.Contain("range [0, inf)").And.Contain("Weight of L_z"));
            Assert.That(rows["--distance-estimator"], Does.Contain("ClosedForm"));
            Assert.That(rows["--resolution"], Does.Contain("one of 32, 64, 128"));
        });
    }

    /// <summary>The issue found help claiming defaults a run did not use (--inception-weights, --eval-cache-dir):
    /// every "[default: X]" of 'p2gan train --help' must be what a run without options resolves to.</summary>
    [Test]
    public async Task TrainHelpDefaultsAreTheResolvedConfigurationOfARunWithoutOptions()
    {
        (_, string output) = await Help("train", "--help");
        Dictionary<string, string> rows = OptionRows(output);
        var options = new TrainOptions();
        TrainingConfig resolved = TrainConfigResolver.Resolve(options, _ => null, DatasetFactory.NaturalChannels(options.Dataset), DateTime.Now);

        string Shown(string name)
        {
            string key = "--" + OptionNames.Kebab(name);
            Assert.That(rows, Does.ContainKey(key), key);
            Match m = Regex.Match(rows[key], @"\[default: (.*)\]$");
            Assert.That(m.Success, Is.True, $"{key} shows no default: {rows[key]}");
            return m.Groups[1].Value;
        }
        static string Text(object? value) => value switch
        {
            null => "none",
            bool b => b ? "true" : "false",
            float f => f.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            IFormattable x => x.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString()!,
        };

        Assert.Multiple(() =>
        {
            foreach (var p in typeof(TrainOptions).GetProperties())
            {
                if (p.Name == nameof(TrainOptions.Resume))
                {
                    Assert.That(Shown(p.Name), Does.StartWith("none"));
                    continue;
                }
                object? value = typeof(TrainingConfig).GetProperty(p.Name)!.GetValue(resolved);
                if (p.Name == nameof(TrainOptions.RunDir))
                {
                    Assert.That(value, Does.Match(@"^runs[/\\]\d{8}-\d{6}$"));
                    Assert.That(Shown(p.Name), Is.EqualTo("runs/<yyyyMMdd-HHmmss>"));
                }
                else if (value is null)
                {
                    // No value: the help must say so, not name a file or folder the run does not use.
                    Assert.That(Shown(p.Name), Does.StartWith("none"), p.Name);
                }
                else
                {
                    Assert.That(Shown(p.Name), Is.EqualTo(Text(value)), p.Name);
                }
            }
            foreach (SettingInfo s in ModelOptions.Settings)
            {
                string expected = s.Name == nameof(ModelOptions.Channels) ? "the dataset's"
                    : Text(typeof(ModelOptions).GetProperty(s.Name)!.GetValue(resolved.Model));
                Assert.That(Shown(s.Name), Is.EqualTo(expected), s.Name);
            }
            foreach (SettingInfo s in RuntimeOptions.Settings)
            {
                Assert.That(Shown(s.Name), Is.EqualTo(Text(typeof(RuntimeOptions).GetProperty(s.Name)!.GetValue(resolved.Runtime))), s.Name);
            }
        });
        Assert.That(resolved.InceptionWeights, Is.Null);
        Assert.That(resolved.EvalCacheDir, Is.Null);
    }

    [Test]
    public async Task VersionPrintsTheVersionOfVersionTxt()
    {
        string version = File.ReadAllText(Path.Combine(RepoPaths.Root, "version.txt")).Trim();
        (int code, string output) = await Help("--version");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(output.Trim(), Does.StartWith(version));
    }

    [Test]
    public async Task UnknownCommandIsAUsageErrorWithASuggestion()
    {
        (int code, string error, _) = await TrainerCli.Run("trian");
        Assert.That(code, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.Contain("unknown command 'trian'; did you mean train?"));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [TestCase("sample", "--cont", "3", "--cont; did you mean --count?")]
    [TestCase("bench-data", "--batchsize", "3", "--batchsize; did you mean --batch-size?")]
    [TestCase("sample", "--ema", "maybe", "invalid value 'maybe' for --ema: true or false.")]
    [TestCase("sample", "stray", null, "unexpected argument 'stray'")]
    [TestCase("train", "--steps", null, "option --steps needs a value")]
    [TestCase("train", "--Logging:LogLevel:Default", null, "option --Logging:LogLevel:Default needs a value")]
    public async Task CommandLineMistakesAreOneLineUsageErrorsInPlainWords(string command, string option, string? value, string expected)
    {
        string[] args = value is null ? [command, option] : [command, option, value];
        (int code, string error, _) = await TrainerCli.Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Usage), error);
        Assert.That(error, Does.Contain(expected));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Not.Contain("System.").And.Not.Contain("(Parameter"));
    }
}
