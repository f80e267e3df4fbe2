using P2Gan.Tests.Support;
using P2Gan.Trainer;
using P2Gan.Trainer.Training;

namespace P2Gan.Tests.Trainer;

/// <summary>
/// Learning rates of 1e30 make the first step's loss non-finite. With a roll-back factor of
/// 1e-33 the retried rates are 1e-3 and training goes on; with factor 0.5 every retry fails
/// and the run stops after MaxNonFiniteRetries with a message naming it.
/// </summary>
[TestFixture]
[NonParallelizable] // swaps Console.Out/Error
public sealed class NonFiniteRecoveryTests : NativeRunTest
{
    private string[] Args(string factor) => TrainerCli.TinyTrain(Temp.File("run"), "--steps", "3", "--log-every", "1",
        "--learning-rate-d", "1e30", "--learning-rate-g", "1e30", "--non-finite-learning-rate-factor", factor, "--max-non-finite-retries", "2");

    [Test]
    public async Task NonFiniteLossRollsBackWithASmallerLearningRateAndContinues()
    {
        (int code, string error, string output) = await TrainerCli.Run(Args("1e-33"));
        Assert.That(code, Is.EqualTo(ExitCodes.Success), error + output);
        TrainingState state = TrainingState.Read(Path.Combine(Temp.File("run"), "checkpoints", "final.ckpt"));
        Assert.That(state.NonFiniteRetries, Is.EqualTo(1));
        Assert.That(state.LearningRateScale, Is.EqualTo(1e-33).Within(1e-40));
        Assert.That(state.Step, Is.EqualTo(3));
    }

    [Test]
    public async Task RepeatedNonFiniteLossesStopTheRunWithAClearMessage()
    {
        (int code, string error, string output) = await TrainerCli.Run(Args("0.5"));
        Assert.That(code, Is.EqualTo(ExitCodes.Failure));
        Assert.That(error + output, Does.Contain("MaxNonFiniteRetries").And.Contain("non-finite"));
    }
}
