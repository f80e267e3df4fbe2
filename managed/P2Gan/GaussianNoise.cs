namespace P2Gan;

/// <summary>Standard normal values from a seed (Box-Muller over System.Random, whose seeded
/// sequence is stable across .NET versions): G's noise and codes for <see cref="P2GanModel.Generate"/>.</summary>
public static class GaussianNoise
{
    /// <summary><paramref name="count"/> values of N(<paramref name="mean"/>, <paramref name="std"/>^2) from <paramref name="seed"/>.</summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">The same seed gives the same values.</param>
    /// <param name="mean">Their mean.</param>
    /// <param name="std">Their standard deviation.</param>
    public static float[] Draw(int count, ulong seed, float mean = 0f, float std = 1f)
    {
        Random random = SeededRandom(seed);
        var values = new float[count];
        for (int i = 0; i < count; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble(); // u1 in (0, 1]: log is finite
            double radius = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = (float)(mean + std * radius * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < count) values[i + 1] = (float)(mean + std * radius * Math.Sin(2 * Math.PI * u2));
        }
        return values;
    }

    /// <summary>A System.Random from a 64-bit seed, both halves folded in: every seeded draw of the SDK starts here.</summary>
    internal static Random SeededRandom(ulong seed) => new(unchecked((int)seed ^ (int)(seed >> 32)));

    /// <summary>Codes from the prior P_c = N((mu_a+mu_b)/2, ((sigma_a+sigma_b)/2)^2 I).</summary>
    /// <param name="model">The model's settings (its priors and d).</param>
    /// <param name="count">Codes to draw ([count, d]).</param>
    /// <param name="seed">The same seed gives the same codes.</param>
    public static float[] PriorCodes(ModelOptions model, int count, ulong seed) =>
        Draw(count * model.PosteriorDim, seed, (model.MuA + model.MuB) / 2, (model.SigmaA + model.SigmaB) / 2);
}
