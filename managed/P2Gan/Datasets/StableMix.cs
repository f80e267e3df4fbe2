namespace P2Gan.Datasets;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014) as a hash and as a generator. Written out here rather
/// than using System.Random so that batch orders and flips never change with the .NET version:
/// a saved loader position must mean the same batches on every runtime.
/// </summary>
internal struct StableMix
{
    private ulong _state;

    public StableMix(ulong seed) => _state = seed;

    /// <summary>The SplitMix64 finaliser: a bijective avalanche of 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Hash of two values; order matters.</summary>
    public static ulong Combine(ulong a, ulong b) => Mix(Mix(a + 0x9E3779B97F4A7C15UL) ^ b);

    public ulong Next()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, bound) without modulo bias (Lemire's multiply-shift with rejection).</summary>
    public int NextBelow(int bound)
    {
        ulong range = (ulong)bound;
        while (true)
        {
            ulong x = Next() >> 32; // 32 random bits
            ulong m = x * range;
            if ((uint)m >= (uint)((0x1_0000_0000UL - range) % range)) return (int)(m >> 32);
        }
    }
}
