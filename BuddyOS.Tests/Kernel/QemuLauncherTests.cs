using BuddyOS.Protocol;

namespace BuddyOS.Tests.Kernel;

/// <summary>The launcher's command line and the process runner, without QEMU (sh stands in for it).</summary>
public sealed class QemuLauncherTests
{
    [Fact]
    public void The_command_line_carries_machine_memory_firmware_and_the_protocols_exit_port()
    {
        var args = QemuLauncher.Arguments(new QemuOptions("x.iso") { Firmware = Firmware.Uefi, Machine = "q35", MemoryMiB = 64 }, "/fw/OVMF.fd");
        string line = string.Join(" ", args);
        Assert.Contains("-machine q35 -m 64 -bios /fw/OVMF.fd -cdrom x.iso", line);
        Assert.Contains($"isa-debug-exit,iobase=0x{ReportProtocol.ExitPort:x},iosize=0x04", line);
        Assert.Contains("-serial file:/dev/stdout", line);
        Assert.Contains("-no-reboot", line);
        Assert.DoesNotContain("-S", args);
        var bios = QemuLauncher.Arguments(new QemuOptions("x.iso") { WaitForGdb = true }, "");
        Assert.DoesNotContain("-bios", bios);
        Assert.Equal(new[] { "-s", "-S" }, bios.TakeLast(2));
    }

    [Fact]
    public void Statuses_are_described_from_the_protocol()
    {
        Assert.Contains("all self-tests passed", QemuLauncher.DescribeStatus(ReportProtocol.AllPassedStatus));
        Assert.Contains("a self-test failed", QemuLauncher.DescribeStatus(ReportProtocol.TestsFailedStatus));
        Assert.Contains("kernel panic", QemuLauncher.DescribeStatus(ReportProtocol.PanickedStatus));
        Assert.Contains("triple fault", QemuLauncher.DescribeStatus(0));
        Assert.Contains("killed", QemuLauncher.DescribeStatus(null));
        Assert.Contains("stopped by the user", QemuLauncher.DescribeStatus(ReportProtocol.UserHaltStatus));
        Assert.Contains("stopped by the user", QemuLauncher.DescribeStatus(ReportProtocol.UserRebootStatus));
        Assert.Contains("the kernel stopped", QemuLauncher.DescribeStatus(ReportProtocol.KernelStoppedStatus));
    }

    [Fact]
    public void A_shell_session_ends_normally_only_when_the_user_stopped_it()
    {
        Assert.Equal((true, "stopped by the user (halt)"), QemuLauncher.DescribeShellEnd(ReportProtocol.UserHaltStatus, null));
        Assert.Equal((true, "stopped by the user (reboot)"), QemuLauncher.DescribeShellEnd(ReportProtocol.UserRebootStatus, "guest-reset"));
        Assert.Equal((true, "the kernel stopped (Kernel.Stop)"), QemuLauncher.DescribeShellEnd(ReportProtocol.KernelStoppedStatus, null));
        Assert.True(QemuLauncher.DescribeShellEnd(0, "host-qmp-quit").Normal);
        var triple = QemuLauncher.DescribeShellEnd(0, "guest-reset");
        Assert.False(triple.Normal);
        Assert.Contains("triple fault", triple.Text);
        Assert.False(QemuLauncher.DescribeShellEnd(0, null).Normal);
        Assert.False(QemuLauncher.DescribeShellEnd(ReportProtocol.PanickedStatus, null).Normal);
        Assert.Contains("kernel panic", QemuLauncher.DescribeShellEnd(ReportProtocol.PanickedStatus, null).Text);
        Assert.Contains("-qmp", QemuLauncher.Arguments(new QemuOptions("x.iso") { QmpSocket = "/tmp/q.sock" }, ""));
    }

    [Fact]
    public async Task The_runner_reports_the_exit_code_and_when_each_output_arrived()
    {
        var run = await ProcessRunner.RunAsync("sh", new[] { "-c", "echo first; sleep 0.4; echo second; echo oops >&2; exit 3" },
            timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(3, run.ExitCode);
        Assert.False(run.TimedOut);
        Assert.Equal("first\nsecond\n", run.Stdout);
        Assert.Equal("oops\n", run.Stderr);
        var gap = run.ArrivalOf("second") - run.ArrivalOf("first");
        Assert.True(gap >= TimeSpan.FromMilliseconds(300), $"second arrived {gap?.TotalMilliseconds} ms after first");
        Assert.Null(run.ArrivalOf("never printed"));
    }

    [Fact]
    public async Task The_runner_kills_at_the_timeout_and_stops_when_the_watch_asks()
    {
        var hung = await ProcessRunner.RunAsync("sh", new[] { "-c", "sleep 30" }, timeout: TimeSpan.FromMilliseconds(300));
        Assert.True(hung.TimedOut);
        Assert.Null(hung.ExitCode);
        Assert.True(hung.Duration < TimeSpan.FromSeconds(10), $"killed after {hung.Duration.TotalSeconds:0.0} s");

        var stopped = await ProcessRunner.RunAsync("sh", new[] { "-c", "echo firmware gave up; sleep 30" },
            timeout: TimeSpan.FromSeconds(20), watch: sofar => sofar.Contains("gave up") ? "loader failure" : null);
        Assert.Equal("loader failure", stopped.StoppedBecause);
        Assert.Null(stopped.ExitCode);
        Assert.False(stopped.TimedOut);
        Assert.True(stopped.Duration < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_program_that_does_not_exist_is_a_start_error_not_an_exception()
    {
        var run = await ProcessRunner.RunAsync("/nonexistent/buddyos-tool", Array.Empty<string>());
        Assert.NotNull(run.StartError);
        Assert.Null(run.ExitCode);
    }
}
