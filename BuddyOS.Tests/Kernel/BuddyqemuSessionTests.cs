using System.Diagnostics;
using System.Text;
using BuddyOS.Protocol;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// `buddyqemu --shell` as a person runs it (`./run.sh --shell`), its terminal a pipe: `halt`, `reboot` and Ctrl-A X
/// end it with exit 0 and "stopped by the user"; a triple fault in the same mode exits 1 and says so.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class BuddyqemuSessionTests
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);
    private readonly KernelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public BuddyqemuSessionTests(KernelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    /// <summary>Boots `buddyqemu --shell` on the ISO for <paramref name="cmdline"/>, types <paramref name="keys"/> at the
    /// first prompt (none: waits for the end), and returns its exit code and everything it printed.</summary>
    private async Task<(int Exit, string Output)> Session(string cmdline, string? keys)
    {
        var iso = await _fixture.Iso(cmdline);
        if (iso.Iso == null)
            throw new XunitException($"no ISO for \"{cmdline}\":\n{iso.Error}");
        var buddyqemu = Path.Combine(AppContext.BaseDirectory, "buddyqemu.dll");
        return await _fixture.InQemuSlot(async () =>
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                StandardOutputEncoding = Encoding.UTF8,   // the kernel's console speaks UTF-8
                UseShellExecute = false,
            };
            foreach (var a in new[] { buddyqemu, "--shell", "--machine", "pc", "--memory", "32", iso.Iso }) psi.ArgumentList.Add(a);
            using var process = Process.Start(psi)!;
            var output = new StringBuilder();
            var pump = Task.Run(async () =>
            {
                var buffer = new char[4096];
                int n;
                while ((n = await process.StandardOutput.ReadAsync(buffer)) > 0)
                    lock (output) output.Append(buffer, 0, n);
            });
            var errors = process.StandardError.ReadToEndAsync();
            try
            {
                if (keys != null)
                {
                    var deadline = DateTime.UtcNow + BootTimeout;
                    while (true)
                    {
                        lock (output)
                            if (output.ToString().Contains(ReportProtocol.ShellPrompt)) break;
                        if (DateTime.UtcNow > deadline || process.HasExited)
                            throw new XunitException($"no prompt from buddyqemu --shell:\n{output}");
                        await Task.Delay(100);
                    }
                    await process.StandardInput.WriteAsync(keys);
                    await process.StandardInput.FlushAsync();
                }
                using var cts = new CancellationTokenSource(BootTimeout);
                await process.WaitForExitAsync(cts.Token);
                await pump.WaitAsync(TimeSpan.FromSeconds(5));
                var text = output.ToString().Replace("\r", "") + await errors;
                _output.WriteLine(KernelFixture.Tail(text, 12));
                return (process.ExitCode, text);
            }
            finally
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
        });
    }

    [Theory]
    [InlineData("halt\r", "stopped by the user (halt)")]
    [InlineData("reboot\r", "stopped by the user (reboot)")]
    [InlineData("\u0001x", "stopped by the user (QEMU quit: Ctrl-A X")]
    public async Task A_session_the_user_ends_exits_0_saying_so(string keys, string said)
    {
        var (exit, output) = await Session(ReportProtocol.ShellOption, keys);
        Assert.True(exit == 0 && output.Contains("buddyqemu: " + said), $"exit {exit}, expected 0 and \"{said}\":\n{KernelFixture.Tail(output, 12)}");
    }

    [Fact]
    public async Task A_triple_fault_in_a_session_fails_loudly()
    {
        var (exit, output) = await Session("shell crash=triple_fault", null);
        Assert.True(exit == 1 && output.Contains("a triple fault (QMP reason guest-reset)") && !output.Contains("stopped by the user"),
            $"exit {exit}, expected 1 and a triple fault named:\n{KernelFixture.Tail(output, 12)}");
    }
}
