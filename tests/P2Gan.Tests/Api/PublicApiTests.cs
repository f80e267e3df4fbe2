using System.Reflection;
using System.Text;
using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Api;

/// <summary>
/// The approved public API: the listing of each shipped assembly (<see cref="PublicApiListing"/>)
/// must equal its checked-in file under api/. A change of the public surface fails here with a
/// diff until it is accepted with P2GAN_ACCEPT_API=1 and the new file is reviewed and committed.
/// </summary>
[TestFixture]
public sealed class PublicApiTests
{
    private const string AcceptVariable = "P2GAN_ACCEPT_API";

    private const string AcceptCommand =
        AcceptVariable + "=1 dotnet test tests/P2Gan.Tests/P2Gan.Tests.csproj -c Release --filter FullyQualifiedName~PublicApiTests";

    private static IEnumerable<TestCaseData> Assemblies()
    {
        yield return new TestCaseData(typeof(P2GanModel).Assembly).SetArgDisplayNames("P2Gan");
        yield return new TestCaseData(typeof(P2GanException).Assembly).SetArgDisplayNames("P2Gan.Native");
    }

    [TestCaseSource(nameof(Assemblies))]
    public void PublicApiMatchesTheApprovedListing(Assembly assembly)
    {
        string name = assembly.GetName().Name!;
        string path = Path.Combine(RepoPaths.Root, "api", name + ".txt");
        string actual = PublicApiListing.Create(assembly);
        string? approved = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : null;
        if (approved == actual) return;

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            Assert.Pass($"{AcceptVariable}=1: wrote the new public API of {name} to {path}; review it with git diff and commit it.");
            return;
        }
        Assert.Fail(approved is null
            ? $"api/{name}.txt is missing. Create it with:\n  {AcceptCommand}\nthen review and commit it."
            : $"The public API of {name} differs from api/{name}.txt:\n\n{Diff(approved, actual)}\n" +
              $"If the change is intended, accept it (this rewrites api/{name}.txt; review and commit it):\n  {AcceptCommand}");
    }

    /// <summary>The check itself: a changed listing must produce a non-empty diff naming the line
    /// and its type, or the test above could never fail.</summary>
    [Test]
    public void DiffShowsAddedAndRemovedLinesWithTheirType()
    {
        const string before = "// header\n\npublic class A\n    public int X { get; }\n\npublic class B\n    public void M();\n";
        const string after = "// header\n\npublic class A\n    public int X { get; set; }\n\npublic class B\n    public void M();\n";
        string diff = Diff(before, after);
        Assert.That(diff, Does.Contain("- public int X { get; }"));
        Assert.That(diff, Does.Contain("+ public int X { get; set; }"));
        Assert.That(diff, Does.Contain("public class A"), "each change names its type");
        Assert.That(diff, Does.Not.Contain("public void M()"), "unchanged lines are left out");
    }

    [Test]
    public void TheListingSeesSignatureDetails()
    {
        string sdk = PublicApiListing.Create(typeof(P2GanModel).Assembly);
        string bindings = PublicApiListing.Create(typeof(P2GanException).Assembly);
        Assert.Multiple(() =>
        {
            Assert.That(sdk, Does.Contain("public sealed class P2Gan.P2GanModel : System.IDisposable"));
            Assert.That(sdk, Does.Contain("P2Gan.RuntimeOptions? runtime = null"), "nullable annotations and defaults");
            Assert.That(sdk, Does.Contain("{ get; init; }"), "init accessors");
            Assert.That(bindings, Does.Contain("public class P2Gan.P2GanException : System.Exception"));
            Assert.That(bindings, Does.Contain("    InvalidArgument = 1"), "enum values");
        });
    }

    /// <summary>The namespace story of issue #10: a caller needs only <c>using P2Gan;</c> to
    /// catch the typed exceptions, and nothing of the raw interop is public.</summary>
    [Test]
    public void BindingsExportOnlyTheExceptionsEnumsAndTheResolver()
    {
        Type[] exported = typeof(P2GanException).Assembly.GetExportedTypes();
        Assert.That(exported.Where(t => typeof(Exception).IsAssignableFrom(t)).Select(t => t.Namespace), Is.All.EqualTo("P2Gan"));
        Assert.That(exported.Where(t => t.Namespace != "P2Gan").Select(t => t.FullName),
            Is.EquivalentTo(new[] { typeof(NativeLibraryResolver).FullName }));
        Assert.That(exported.Where(t => t.Namespace == "P2Gan").All(t => t.IsEnum || typeof(Exception).IsAssignableFrom(t)), Is.True,
            string.Join(", ", exported.Select(t => t.FullName)));
    }

    /// <summary>Lines removed ("- ") and added ("+ ") from <paramref name="before"/> to
    /// <paramref name="after"/> (a longest-common-subsequence diff), each change under the type
    /// line it belongs to.</summary>
    internal static string Diff(string before, string after)
    {
        string[] a = before.Split('\n');
        string[] b = after.Split('\n');
        // lcs[i, j]: length of the longest common subsequence of a[i..] and b[j..].
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (int i = a.Length - 1; i >= 0; i--)
        {
            for (int j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        string typeA = "", typeB = "", shown = "";
        int added = 0, removed = 0;
        void Change(char sign, string line, string type)
        {
            if (line.StartsWith("    ", StringComparison.Ordinal) && type != shown)
            {
                diff.Append("  in ").Append(type).Append('\n');
                shown = type;
            }
            diff.Append(sign).Append(' ').Append(line.Trim()).Append('\n');
            if (sign == '+') added++; else removed++;
        }
        static bool IsType(string line) => line.Length > 0 && !line.StartsWith(' ') && !line.StartsWith("//", StringComparison.Ordinal);

        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && IsType(a[x])) typeA = a[x];
            if (y < b.Length && IsType(b[y])) typeB = b[y];
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                x++;
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                if (a[x].Length > 0) Change('-', a[x], typeA);
                x++;
            }
            else
            {
                if (b[y].Length > 0) Change('+', b[y], typeB);
                y++;
            }
        }
        return $"{added} line(s) added, {removed} removed:\n{diff}";
    }
}
