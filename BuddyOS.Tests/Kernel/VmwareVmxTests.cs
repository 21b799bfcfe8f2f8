using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace BuddyOS.Tests.Kernel;

/// <summary>iso/buddyos.vmx: the settings a VMware boot of the built ISO depends on.</summary>
public sealed partial class VmwareVmxTests
{
    public static string VmxPath => Path.Combine(KernelFixture.FindRepoRoot(), "iso", "buddyos.vmx");

    [GeneratedRegex(@"^\s*(?<key>[^=#\s][^=]*?)\s*=\s*""(?<value>[^""]*)""\s*$")]
    private static partial Regex VmxLine();

    /// <summary>key = "value" lines; keys are case-insensitive in VMware, so they are lower-cased here.</summary>
    public static Dictionary<string, string> Parse(string text)
    {
        var d = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var raw in text.Replace("\r", "").Split('\n'))
        {
            if (raw.TrimStart().StartsWith('#') || raw.Trim().Length == 0) continue;
            var m = VmxLine().Match(raw);
            if (m.Success) d[m.Groups["key"].Value.ToLowerInvariant()] = m.Groups["value"].Value;
        }
        return d;
    }

    private static (Dictionary<string, string> Keys, string Text) Load()
    {
        var path = VmxPath;
        if (!File.Exists(path))
            throw new XunitException($"{path} does not exist.");
        var text = File.ReadAllText(path);
        return (Parse(text), text);
    }

    private static void Check(bool condition, string what, string vmxText)
    {
        if (!condition)
            throw new XunitException($"{what}\n\n{VmxPath}:\n{vmxText}");
    }

    private static bool IsTrue(Dictionary<string, string> d, string key) =>
        d.TryGetValue(key, out var v) && v.Equals("TRUE", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public void Vmx_cdrom_points_at_the_iso_the_build_produces()
    {
        var (d, text) = Load();
        var expected = Path.GetFullPath(Path.Combine(KernelFixture.FindRepoRoot(), "out", "buddyos.iso"));
        var vmxDir = Path.GetDirectoryName(VmxPath)!;
        // Devices look like ide1:0.deviceType = "cdrom-image", sata0:1.fileName = "...".
        var cdroms = d.Where(kv => kv.Key.EndsWith(".devicetype") && kv.Value.Equals("cdrom-image", StringComparison.OrdinalIgnoreCase))
            .Select(kv => kv.Key[..^".devicetype".Length])
            .ToList();
        Check(cdroms.Count > 0, "no device with deviceType = \"cdrom-image\".", text);
        var found = new List<string>();
        foreach (var dev in cdroms)
        {
            if (!d.TryGetValue(dev + ".filename", out var file) || file.Length == 0) continue;
            var resolved = Path.GetFullPath(Path.IsPathRooted(file) ? file : Path.Combine(vmxDir, file.Replace('\\', '/')));
            found.Add($"{dev}.fileName = \"{file}\" -> {resolved}");
            if (resolved != expected) continue;
            Check(IsTrue(d, dev + ".present"), $"{dev} points at the ISO but {dev}.present is not TRUE.", text);
            // A SATA/SCSI controller must be declared present (sata0:1 -> sata0); the two IDE channels are built in.
            var controller = dev.Split(':')[0];
            Check(controller.StartsWith("ide") || IsTrue(d, controller + ".present"),
                $"{dev} points at the ISO but its controller {controller}.present is not TRUE.", text);
            Check(!d.TryGetValue(dev + ".startconnected", out var sc) || sc.Equals("TRUE", StringComparison.OrdinalIgnoreCase),
                $"{dev}.startConnected is \"{sc}\": the CD would not be inserted at power-on.", text);
            return;
        }
        Check(false, $"no cdrom-image device resolves (relative to {vmxDir}) to {expected}; found:\n  {string.Join("\n  ", found)}", text);
    }

    [Fact]
    public void Vmx_uses_bios_firmware()
    {
        var (d, text) = Load();
        Check(!d.TryGetValue("firmware", out var fw) || fw.Equals("bios", StringComparison.OrdinalIgnoreCase),
            $"firmware = \"{fw}\": the VM must boot with BIOS (no firmware = \"efi\").", text);
    }

    [Fact]
    public void Vmx_serial_port_writes_to_a_file()
    {
        var (d, text) = Load();
        Check(IsTrue(d, "serial0.present"), "serial0.present is not TRUE.", text);
        Check(d.TryGetValue("serial0.filetype", out var t) && t.Equals("file", StringComparison.OrdinalIgnoreCase),
            $"serial0.fileType is \"{t}\", expected \"file\".", text);
        Check(d.TryGetValue("serial0.filename", out var f) && f.Trim().Length > 0, "serial0.fileName is not set.", text);
    }

    [Fact]
    public void Vmx_guest_is_64_bit()
    {
        var (d, text) = Load();
        Check(d.TryGetValue("guestos", out var g) && g.EndsWith("-64", StringComparison.OrdinalIgnoreCase),
            $"guestOS is \"{g}\": expected a 64-bit guest type (ending in -64).", text);
    }

    [Fact]
    public void Vmx_parser_reads_vmware_syntax()
    {
        var d = Parse("# comment\n.encoding = \"UTF-8\"\r\nide1:0.fileName = \"../out/buddyos.iso\"\nGuestOS = \"other-64\"\nbroken line\n");
        Assert.Equal("../out/buddyos.iso", d["ide1:0.filename"]);
        Assert.Equal("other-64", d["guestos"]);
        Assert.Equal("UTF-8", d[".encoding"]);
        Assert.Equal(3, d.Count);
    }

    [Fact]
    public void Vmx_answers_VMwares_questions_itself()
    {
        var (d, text) = Load();
        Check(d.TryGetValue("uuid.action", out var uuid) && uuid.Equals("create", StringComparison.OrdinalIgnoreCase),
            "uuid.action = \"create\" (no \"moved or copied?\" question).", text);
        Check(IsTrue(d, "msg.autoAnswer"), "msg.autoAnswer = \"TRUE\" (other dialogs take their default).", text);
    }

    /// <summary>The files VMware writes beside the .vmx (names from a Workstation VM folder) are ignored by git.</summary>
    [Theory]
    [InlineData("buddyos.nvram")]
    [InlineData("vmware.log")]
    [InlineData("vmware-0.log")]
    [InlineData("buddyos-serial.log")]
    [InlineData("buddyos.vmx.lck/M12345.lck")]
    [InlineData("buddyos.vmsd")]
    [InlineData("buddyos.vmxf")]
    [InlineData("buddyos-1234.vmss")]
    [InlineData("buddyos-1234.vmem")]
    [InlineData("buddyos.vmx~")]
    [InlineData("buddyos.scoreboard")]
    public async Task Gitignore_covers_what_VMware_writes_next_to_the_vmx(string file)
    {
        var root = KernelFixture.FindRepoRoot();
        if (!Directory.Exists(Path.Combine(root, ".git")) && !File.Exists(Path.Combine(root, ".git")))
            throw new XunitException($"{root} is not a git checkout: cannot ask git what it ignores.");
        var run = await ProcessRunner.RunAsync("git", new[] { "check-ignore", "--no-index", "-q", "iso/" + file }, root, TimeSpan.FromSeconds(30));
        Assert.True(run.ExitCode == 0, $"git check-ignore iso/{file}: exit {run.ExitCode} (0 = ignored)\n{run.Output}");
        var tracked = await ProcessRunner.RunAsync("git", new[] { "check-ignore", "--no-index", "-q", "iso/buddyos.vmx" }, root, TimeSpan.FromSeconds(30));
        Assert.True(tracked.ExitCode == 1, "the .vmx itself must not be ignored");
    }
}
