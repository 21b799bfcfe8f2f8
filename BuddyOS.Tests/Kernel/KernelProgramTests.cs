namespace BuddyOS.Tests.Kernel;

/// <summary>
/// The ordinary .NET program samples/calculator prints in the kernel (self-test bcl_program, between its marker
/// lines) exactly what it prints on the host under .NET, and the formatted line of bcl_console reaches COM1.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class KernelProgramTests
{
    private const string Begin = "program: samples/calculator begins";
    private const string End = "program: samples/calculator ends";
    private static readonly object ConsoleLock = new();

    private readonly KernelFixture _fixture;

    public KernelProgramTests(KernelFixture fixture) => _fixture = fixture;

    private static string[] RunOnHost(out int status)
    {
        lock (ConsoleLock)
        {
            var previous = Console.Out;
            var culture = System.Globalization.CultureInfo.CurrentCulture;
            var captured = new StringWriter { NewLine = "\n" };
            Console.SetOut(captured);
            try
            {
                status = Calculator.Program.Main(Array.Empty<string>());
            }
            finally
            {
                Console.SetOut(previous);
                System.Globalization.CultureInfo.CurrentCulture = culture;
            }
            return captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.DefaultConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task The_calculator_prints_in_the_kernel_what_it_prints_on_the_host(string config)
    {
        var expected = RunOnHost(out int status);
        Assert.Equal(0, status);
        Assert.True(expected.Length > 15, $"the host run printed only {expected.Length} lines");

        var boot = await _fixture.Boot(KernelMatrix.Get(config));
        KernelAssert.Ran(boot);
        var lines = boot.Report.Lines.ToList();
        int begin = lines.IndexOf(Begin), end = lines.IndexOf(End);
        KernelAssert.That(begin >= 0 && end > begin, $"{config}: no '{Begin}' ... '{End}' section in the report.", boot);
        var actual = lines.Skip(begin + 1).Take(end - begin - 1).Where(l => l.Length > 0).ToArray();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(KernelMatrix.DefaultConfigNames), MemberType = typeof(KernelMatrix))]
    public async Task Console_WriteLine_reaches_the_serial_report(string config)
    {
        var boot = await _fixture.Boot(KernelMatrix.Get(config));
        KernelAssert.Ran(boot);
        var expected = string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "bcl_console: {0,6}|{1:F3}|{2,-6}|{3:X2}|{4}|{5}", 42, Math.PI, "left", 255, true, DateTimeKind.Utc);
        KernelAssert.That(boot.Report.Lines.Contains(expected), $"{config}: the line '{expected}' is not in the report.", boot);
        const string unicode = "bcl_console: UTF-8 Grüße, мир, ✓";
        KernelAssert.That(boot.Report.Lines.Contains(unicode), $"{config}: the line '{unicode}' is not in the report (COM1 carries UTF-8).", boot);
    }
}
