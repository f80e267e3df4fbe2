using P2Gan.Datasets;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of the managed readers of untrusted files (.npy, IDX plain and gzip,
/// CIFAR-10 batches), as tests/native/test_fuzz_readers.cpp does for the native ones
/// (docs/fuzzing.md): each mutated file must be read or refused with an
/// <see cref="InvalidDataException"/> or an <see cref="IOException"/>, never with an index,
/// overflow or out-of-memory error. P2GAN_FUZZ_ITERATIONS and P2GAN_FUZZ_SEED as in the native harness.
/// </summary>
[TestFixture]
public sealed class ManagedReaderFuzzTests
{
    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("P2GAN_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 300;

    private static ulong FirstSeed =>
        ulong.TryParse(Environment.GetEnvironmentVariable("P2GAN_FUZZ_SEED"), out ulong s) ? s : 1;

    private static readonly ulong[] Interesting =
        [0, 1, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 1UL << 32, 1UL << 40, 1UL << 62, ulong.MaxValue >> 1, 1UL << 63, ulong.MaxValue];

    /// <summary>One to eight byte-level mutations, as the native harness makes them.</summary>
    internal static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = new List<byte>(input);
        int count = 1 + random.Next(8);
        for (int m = 0; m < count && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)(random.Next(4) == 0 ? 0xff : random.Next(256)); break;
                case 2:
                    ulong value = Interesting[random.Next(Interesting.Length)];
                    int width = 1 << random.Next(4);
                    // Both byte orders: IDX is big-endian, .npy and CIFAR little-endian.
                    bool bigEndian = random.Next(2) == 0;
                    for (int i = 0; i < width && at + i < bytes.Count; i++)
                    {
                        bytes[at + i] = (byte)(value >> (8 * (bigEndian ? width - 1 - i : i)));
                    }
                    break;
                case 3: bytes.RemoveRange(at, 1 + random.Next(Math.Min(64, bytes.Count - at))); break;
                case 4: bytes.InsertRange(at, bytes.GetRange(at, 1 + random.Next(Math.Min(64, bytes.Count - at)))); break;
                default: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }
        return [.. bytes];
    }

    private static void Fuzz(string reader, IReadOnlyList<byte[]> seeds, string extension, Action<string> read)
    {
        using var temp = new TempDirectory();
        string path = temp.File("input" + extension);
        var failures = new List<string>();
        for (int i = 0; i < Iterations && failures.Count < 5; i++)
        {
            ulong seed = FirstSeed + (ulong)i;
            var random = new Random(unchecked((int)seed));
            byte[] input = Mutate(seeds[random.Next(seeds.Count)], random);
            File.WriteAllBytes(path, input);
            try
            {
                read(path);
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                // A refusal (InvalidDataException is no IOException; EndOfStreamException is).
            }
            catch (Exception e)
            {
                string saved = Path.Combine(Path.GetTempPath(), $"{reader}-seed{seed}{extension}");
                File.WriteAllBytes(saved, input);
                failures.Add($"seed {seed}: {e.GetType().Name}: {e.Message} (input saved as {saved})");
            }
        }
        Assert.That(failures, Is.Empty, $"{reader} threw something other than an I/O refusal");
    }

    [Test]
    public void NpyReaderRefusesMutatedFilesCleanly()
    {
        using var temp = new TempDirectory();
        string valid = temp.File("valid.npy");
        NpyFile.Write(valid, Enumerable.Range(0, 24).Select(i => i * 0.5f).ToArray(), TensorShape.Nchw(2, 3, 2, 2));
        Fuzz("npy", [File.ReadAllBytes(valid)], ".npy", path => NpyFile.Read(path));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void IdxReaderRefusesMutatedFilesCleanly(bool gzip)
    {
        using var temp = new TempDirectory();
        string images = temp.File("images.idx"), labels = temp.File("labels.idx");
        IdxTestFiles.WriteImages(images, Enumerable.Range(0, 3 * 28 * 28).Select(i => (byte)i).ToArray(), 3, 28, 28, gzip);
        IdxTestFiles.WriteLabels(labels, [1, 2, 3], gzip);
        Fuzz(gzip ? "idx-gz" : "idx", [File.ReadAllBytes(images)], ".idx", path => IdxReader.ReadImages(path));
        Fuzz(gzip ? "idx-labels-gz" : "idx-labels", [File.ReadAllBytes(labels)], ".idx", path => IdxReader.ReadLabels(path));
    }

    [Test]
    public void Cifar10ReaderRefusesMutatedFilesCleanly()
    {
        byte[] batch = new byte[2 * Cifar10Reader.RecordBytes];
        new Random(5).NextBytes(batch);
        Fuzz("cifar10", [batch], ".bin", path => Cifar10Reader.ReadImages([path]));
    }

    [Test]
    public void TheHarnessReportsAReaderThatCrashes()
    {
        // A reader that fails on a flipped header byte the way a missing bounds check would.
        var e = Assert.Throws<AssertionException>(() =>
            Fuzz("broken", [new byte[16]], ".bin", path =>
            {
                byte[] b = File.ReadAllBytes(path);
                if (b.Length < 16 || b.Any(x => x != 0)) throw new IndexOutOfRangeException("crafted");
            }));
        Assert.That(e!.Message, Does.Contain("IndexOutOfRangeException"));
    }
}
