using System.Diagnostics;
using BuddyOS.Trace;

namespace BuddyOS.Tests.Trace;

public class TraceReplayerTests
{
    private static List<string> Replay(params string[] lines)
    {
        using var r = new TraceReplayer(4096, 9);
        return lines.Select(r.Execute).Where(x => x != null).Select(x => x!).ToList();
    }

    [Fact]
    public void Operations_report_offsets_and_statuses()
    {
        List<string> output = Replay(
            "# comment", "", "a one 16", "a two 16", "a big 200 256", "r one 32", "f two", "f two", "x 8", "x 0x110", "x 9999", "v");
        Assert.Equal(new[]
        {
            "ok one 0", "ok two 16", "ok big 256", "ok one 32 moved", "ok two", "DoubleFree", "MisalignedPointer",
            "InteriorPointer", "ForeignPointer", "valid",
        }, output);
    }

    [Fact]
    public void A_failed_allocation_binds_its_ID_to_null_and_the_replay_goes_on()
    {
        List<string> output = Replay("a huge 8192", "f huge", "r huge 16", "a huge 16", "f huge", "v");
        Assert.Equal(new[] { "SizeTooLarge", "NullPointer", "NullPointer", "ok huge 0", "ok huge", "valid" }, output);
    }

    [Fact]
    public void With_the_object_cache_small_blocks_are_slots_and_bad_frees_inside_a_slab_are_named()
    {
        using var r = new TraceReplayer(8192, 10, objectCache: true);
        // 5000 bytes need the upper half, and the slab (live) holds the lower: out of memory.
        var output = new[] { "a a 40", "a b 40", "x 16", "x 8", "f b", "f b", "a big 5000", "v" }.Select(r.Execute).ToList();
        Assert.Equal(new[] { "ok a 0", "ok b 48", "InteriorPointer", "MisalignedPointer", "ok b", "DoubleFree", "OutOfMemory", "valid" }, output);
        List<string> summary = r.Summary().ToList();
        Assert.Contains(summary, l => l.Contains("slabs (class:slabs/objects) 48:1/1"));
        Assert.Equal("# final validation: valid", summary[^1]);
    }

    [Fact]
    public void Malformed_lines_are_refused_with_the_reason()
    {
        using var r = new TraceReplayer(4096, 9);
        Assert.Contains("unknown block ID", Assert.Throws<FormatException>(() => r.Execute("f nosuch")).Message);
        Assert.Contains("not a number", Assert.Throws<FormatException>(() => r.Execute("a x 12z")).Message);
        Assert.Contains("not an operation", Assert.Throws<FormatException>(() => r.Execute("q 1")).Message);
        r.Execute("a x 10");
        Assert.Contains("already live", Assert.Throws<FormatException>(() => r.Execute("a x 10")).Message);
    }

    [Fact]
    public void Summary_ends_with_a_final_validation_and_the_whole_block()
    {
        using var r = new TraceReplayer(4096, 9);
        r.Execute("a x 100");
        r.Execute("f x");
        List<string> summary = r.Summary().ToList();
        Assert.Contains(summary, l => l.Contains("free blocks (size:count) 4096:1"));
        Assert.Equal("# final validation: valid", summary[^1]);
        Assert.False(r.InvariantBroken);
    }

    [Fact]
    public void The_command_line_tool_replays_the_sample_trace()
    {
        string root = RepoRoot();
        string dll = typeof(TraceReplayer).Assembly.Location;
        var psi = new ProcessStartInfo("dotnet", $"\"{dll}\" \"{Path.Combine(root, "samples", "bad-frees.trace")}\"")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, stdout + p.StandardError.ReadToEnd());
        Assert.Contains("DoubleFree", stdout);
        Assert.Contains("InteriorPointer", stdout);
        Assert.Contains("# final validation: valid", stdout);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "BuddyOS.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("BuddyOS.sln not found above the test assembly");
    }
}
