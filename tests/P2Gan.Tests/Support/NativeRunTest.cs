namespace P2Gan.Tests.Support;

/// <summary>
/// Base of the tests that run the trainer on the native core: each test starts with the
/// library required and a fresh temporary folder, <see cref="Temp"/>, removed afterwards.
/// </summary>
public abstract class NativeRunTest
{
    private TempDirectory? _temp;

    /// <summary>This test's own folder.</summary>
    private protected TempDirectory Temp => _temp ?? throw new InvalidOperationException("used outside a test");

    [SetUp]
    public void CreateTempFolder()
    {
        NativeRequirement.Require();
        _temp = new TempDirectory();
    }

    [TearDown]
    public void RemoveTempFolder() => _temp?.Dispose();
}
