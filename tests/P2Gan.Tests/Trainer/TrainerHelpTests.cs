using P2Gan.Trainer;

namespace P2Gan.Tests.Trainer;

/// <summary>Help output needs no native library.</summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out
public sealed class TrainerHelpTests
{
    [Test]
    public async Task HelpListsOptionsWithDefaults()
    {
        TextWriter original = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            Assert.That(await TrainerApp.RunAsync(["train", "--help"]), Is.EqualTo(0));
            Assert.That(await TrainerApp.RunAsync(["--help"]), Is.EqualTo(0));
        }
        finally
        {
            Console.SetOut(original);
        }
        Assert.That(output.ToString(), Does.Contain("--Preset").And.Contain("cpu-small").And.Contain("--SampleEvery").And.Contain("forward"));
    }

    [TestCase("train", "--CheckpointEvery", "--KeepCheckpoints", "--LearningRateSchedule", "--EmaWarmup", "--MaxNonFiniteRetries", "--EvalEvery", "--Resume")]
    [TestCase("train", "--LambdaZ", "--MuA", "--SigmaA", "--MuB", "--SigmaB", "--DistanceEstimator", "--Beta1", "--Beta2", "--NDis", "--PretrainSteps")]
    [TestCase("train", "--Threads", "--Device", "--Precision", "--MemoryFormat", "--Kernels")]
    [TestCase("bench", "--lambda-z", "--base-channels", "--memory-format", "--batch", "--peak")]
    [TestCase("sample", "--checkpoint", "--out", "--out-dir", "--count", "--seed", "--ema")]
    [TestCase("interpolate", "--seed-a", "--seed-b", "--image-a", "--image-b", "--steps", "--ema")]
    [TestCase("encode", "--checkpoint", "--images", "--out")]
    [TestCase("export", "--checkpoint", "--out")]
    [TestCase("forward", "--checkpoint", "--real", "--noise", "--posterior-noise", "--out")]
    public async Task EveryCommandHelpListsItsOptions(string command, params string[] options)
    {
        TextWriter original = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            Assert.That(await TrainerApp.RunAsync([command, "--help"]), Is.EqualTo(0));
        }
        finally
        {
            Console.SetOut(original);
        }
        foreach (string option in options) Assert.That(output.ToString(), Does.Contain(option), option);
        Assert.That(output.ToString(), Does.Contain("(default)").Or.Contain("default"));
    }

    [Test]
    public async Task TrainHelpShowsTheNativeDefaultsOfTheModelSettings()
    {
        TextWriter original = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            Assert.That(await TrainerApp.RunAsync(["train", "--help"]), Is.EqualTo(0));
        }
        finally
        {
            Console.SetOut(original);
        }
        string LineOf(string option) => output.ToString().Split('\n').First(l => l.TrimStart().StartsWith(option + " ", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(LineOf("--LambdaZ"), Does.Contain(" 10;").And.Contain("range [0, inf)"));
            Assert.That(LineOf("--Beta2"), Does.Contain(" 0.999;"));
            Assert.That(LineOf("--SigmaB"), Does.Contain(" 1.5;"));
            Assert.That(LineOf("--DistanceEstimator"), Does.Contain("ClosedForm"));
            Assert.That(LineOf("--Resolution"), Does.Contain("one of 32, 64, 128"));
        });
    }

    [Test]
    public async Task UnknownCommandIsAUsageError()
    {
        TextWriter original = Console.Error;
        Console.SetError(new StringWriter());
        try
        {
            Assert.That(await TrainerApp.RunAsync(["fly"]), Is.EqualTo(ExitCodes.Usage));
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
