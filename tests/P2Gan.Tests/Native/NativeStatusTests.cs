using P2Gan.Native;

namespace P2Gan.Tests.Native;

/// <summary>The status-to-exception mapping, without the native library.</summary>
[TestFixture]
public sealed class NativeStatusTests
{
    [TestCase(StatusCode.InvalidArgument, typeof(P2GanInvalidArgumentException))]
    [TestCase(StatusCode.NonFiniteInput, typeof(P2GanNonFiniteException))]
    [TestCase(StatusCode.NonFiniteLoss, typeof(P2GanNonFiniteException))]
    [TestCase(StatusCode.IoError, typeof(P2GanIOException))]
    [TestCase(StatusCode.CheckpointMismatch, typeof(P2GanCheckpointMismatchException))]
    [TestCase(StatusCode.DeviceError, typeof(P2GanDeviceException))]
    [TestCase(StatusCode.InternalError, typeof(P2GanInternalException))]
    [TestCase((StatusCode)42, typeof(P2GanInternalException))]
    public void StatusMapsToItsExceptionType(StatusCode status, Type expected)
    {
        P2GanException e = NativeStatus.Create((int)status, "native says no");
        Assert.That(e, Is.TypeOf(expected));
        Assert.That(e.Status, Is.EqualTo(status));
        Assert.That(e.Message, Is.EqualTo("native says no"));
    }

    [Test]
    public void EmptyNativeMessageStillNamesTheStatus()
    {
        Assert.That(NativeStatus.Create(4, "").Message, Does.Contain("IoError"));
    }

    [Test]
    public void NonFiniteLossIsDistinguishedFromInput()
    {
        Assert.That(((P2GanNonFiniteException)NativeStatus.Create(3, "x")).IsLoss, Is.True);
        Assert.That(((P2GanNonFiniteException)NativeStatus.Create(2, "x")).IsLoss, Is.False);
    }

    [Test]
    public void OkDoesNotThrow()
    {
        Assert.DoesNotThrow(() => NativeStatus.ThrowIfFailed(0));
    }

    [Test]
    public void DeviceNameRoundTripsAndLongNamesAreRefused()
    {
        NativeRuntimeParams p = new RuntimeOptions { Device = "cuda:1" }.ToNative();
        Assert.That(RuntimeOptions.FromNative(p).Device, Is.EqualTo("cuda:1"));
        var tooLong = new RuntimeOptions { Device = new string('x', 32) };
        Assert.Throws<ArgumentException>(() => tooLong.Validate());
        Assert.Throws<ArgumentException>(() => tooLong.ToNative());
    }
}
