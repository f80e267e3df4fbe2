using P2Gan.Native;

namespace P2Gan.Tests.Native;

/// <summary>The status-to-exception mapping, without the native library.</summary>
[TestFixture]
public sealed class NativeStatusTests
{
    [TestCase(NativeStatusCode.InvalidArgument, typeof(P2GanInvalidArgumentException))]
    [TestCase(NativeStatusCode.NonFiniteInput, typeof(P2GanNonFiniteException))]
    [TestCase(NativeStatusCode.NonFiniteLoss, typeof(P2GanNonFiniteException))]
    [TestCase(NativeStatusCode.IOError, typeof(P2GanIOException))]
    [TestCase(NativeStatusCode.CheckpointMismatch, typeof(P2GanCheckpointMismatchException))]
    [TestCase(NativeStatusCode.DeviceError, typeof(P2GanDeviceException))]
    [TestCase(NativeStatusCode.InternalError, typeof(P2GanInternalException))]
    [TestCase((NativeStatusCode)42, typeof(P2GanInternalException))]
    public void StatusMapsToItsExceptionType(NativeStatusCode status, Type expected)
    {
        P2GanException e = NativeStatus.Create((int)status, "native says no");
        Assert.That(e, Is.TypeOf(expected));
        Assert.That(e.Status, Is.EqualTo(status));
        Assert.That(e.Message, Is.EqualTo("native says no"));
    }

    [Test]
    public void EmptyNativeMessageStillNamesTheStatus()
    {
        Assert.That(NativeStatus.Create(4, "").Message, Does.Contain("IOError"));
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
        var p = new NativeModelParams();
        p.SetDevice("cuda:1");
        Assert.That(p.GetDevice(), Is.EqualTo("cuda:1"));
        Assert.Throws<ArgumentException>(() => p.SetDevice(new string('x', 32)));
    }
}
