using BuddyOS.Protocol;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// The screen under UEFI, where there is no VGA text mode: the framebuffer console draws the report and the shell
/// with the embedded console font. QEMU's screendump is read back cell by cell against that font's glyphs and must
/// be exactly the last rows of what COM1 said (wrapped at 80 columns), scrolling included; `clear` then leaves the
/// prompt alone on the top row. The picture is kept as a PNG beside the boot logs (docs/uefi-screen.png is one).
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class KernelScreenTests
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(120);
    private const int Columns = 80, Rows = 30;   // 640x480 (Boot/boot.asm's request) in 8x16 cells
    private readonly KernelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public KernelScreenTests(KernelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    /// <summary>What a terminal of <paramref name="columns"/> columns shows last of <paramref name="text"/>: its rows,
    /// long lines wrapped, the last <paramref name="rows"/> of them.</summary>
    public static string[] LastRows(string text, int columns, int rows)
    {
        var all = new List<string>();
        foreach (var line in text.Replace("\r", "").Split('\n'))
        {
            if (line.Length == 0) all.Add("");
            for (int at = 0; at < line.Length; at += columns)
                all.Add(line.Substring(at, Math.Min(columns, line.Length - at)).TrimEnd(' '));
        }
        return all.Skip(Math.Max(0, all.Count - rows)).ToArray();
    }

    [Fact]
    public void Last_rows_wraps_long_lines_and_keeps_the_bottom() =>
        Assert.Equal(new[] { "cd", "e", "", "fg" }, LastRows("ab\ncde\n\nfg", 2, 4));

    [Fact]
    public async Task Under_UEFI_the_framebuffer_console_shows_the_report_and_the_shell()
    {
        var iso = await _fixture.Iso(ReportProtocol.ShellOption);
        if (iso.Iso == null)
            throw new XunitException($"no shell ISO:\n{iso.Error}");
        var font = Path.Combine(_fixture.RepoRoot, "out", "console-font.psf");
        Directory.CreateDirectory(_fixture.LogDir);
        var dump = Path.Combine(_fixture.LogDir, "uefi-screen.ppm");
        await _fixture.InQemuSlot(async () =>
        {
            await using var shell = QemuShell.Start(new QemuOptions(iso.Iso) { Firmware = Firmware.Uefi, Machine = "pc", MemoryMiB = 64 });
            try
            {
                shell.WaitForPrompt(BootTimeout);
                var serial = shell.Serial;
                var report = serial[serial.IndexOf(ReportProtocol.KernelUp, StringComparison.Ordinal)..];
                Assert.Contains("screen: framebuffer 640x480x32", report);

                await shell.ScreendumpAsync(dump, TimeSpan.FromSeconds(20));
                var image = ScreenImage.ReadPpm(dump);
                image.WritePng(Path.ChangeExtension(dump, ".png"));
                Assert.Equal((640, 480), (image.Width, image.Height));
                Assert.True(image.Colours() > 2, "the frame is not blank: text in more than one colour on black");
                var screen = image.ReadText(font);
                _output.WriteLine(string.Join("\n", screen));
                var expected = LastRows(report, Columns, Rows);
                Assert.Equal(string.Join("\n", expected), string.Join("\n", screen));
                Assert.Contains("BuddyOS: all self-tests passed", screen);

                shell.Run("clear");
                await shell.ScreendumpAsync(dump, TimeSpan.FromSeconds(20));
                var cleared = ScreenImage.ReadPpm(dump).ReadText(font);
                Assert.Equal("buddyos>", cleared[0]);
                Assert.All(cleared.Skip(1), row => Assert.Equal("", row));
            }
            catch (Exception e) when (e is XunitException or TimeoutException)
            {
                throw new XunitException($"{e.Message}\n\ncommand: {shell.Command}\nserial tail:\n{KernelFixture.Tail(shell.Serial, 40)}");
            }
            return 0;
        });
    }
}
