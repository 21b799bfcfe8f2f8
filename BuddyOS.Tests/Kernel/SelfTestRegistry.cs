using System.Text.RegularExpressions;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// The kernel's self-tests by name, read from their registration (BuddyOS.Kernel/SelfTest/SelfTests.cs, one
/// <c>Add(tests, "name", ...)</c> line each) when xunit discovers the tests: each self-test has to be its own
/// result before any kernel has booted, and this way adding a self-test touches the kernel only. Every boot
/// then checks that the plan the kernel printed is this list, so a registration this parse misreads fails.
/// </summary>
public static partial class SelfTestRegistry
{
    public static string SourcePath => Path.Combine(KernelFixture.FindRepoRoot(), "BuddyOS.Kernel", "SelfTest", "SelfTests.cs");

    [GeneratedRegex(@"^\s*Add\(\s*tests\s*,\s*""(?<name>[^""]+)""", RegexOptions.Multiline)]
    private static partial Regex Registration();

    private static readonly Lazy<string[]> s_names = new(() => Parse(File.ReadAllText(SourcePath)));

    /// <summary>The default plan: every registered self-test, in registration order.</summary>
    public static IReadOnlyList<string> Names => s_names.Value;

    public static string[] Parse(string source) =>
        Registration().Matches(source).Select(m => m.Groups["name"].Value).ToArray();
}
