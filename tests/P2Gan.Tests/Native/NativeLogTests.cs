using System.Collections.Concurrent;
using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Native;

[TestFixture]
[NonParallelizable] // the native log sink is process-wide
public sealed class NativeLogTests
{
    [Test]
    public void NativeMessagesReachTheManagedSink()
    {
        ModelOptions options = TinyModel.Options();
        var messages = new ConcurrentQueue<(NativeLogLevel Level, string Text)>();
        P2GanNativeLogging.UseCallback((level, text) => messages.Enqueue((level, text)));
        try
        {
            using var model = P2GanModel.Create(options);
        }
        finally
        {
            P2GanNativeLogging.UseCallback(null);
        }
        // The native core logs at least one message when a model is created.
        Assert.That(messages, Is.Not.Empty);
        Assert.That(messages.All(m => Enum.IsDefined(m.Level) && m.Text.Length > 0), Is.True);
    }

    [Test]
    public void AThrowingSinkDoesNotCrossIntoNativeCode()
    {
        ModelOptions options = TinyModel.Options();
        P2GanNativeLogging.UseCallback((_, _) => throw new InvalidOperationException("sink failure"));
        try
        {
            Assert.DoesNotThrow(() => P2GanModel.Create(options).Dispose());
        }
        finally
        {
            P2GanNativeLogging.UseCallback(null);
        }
    }
}
