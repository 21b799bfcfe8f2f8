using System.Diagnostics;
using System.Text;

namespace BuddyOS.Qemu;

/// <summary>What one child process did: its status (null when it was stopped or never started) and its output.</summary>
public sealed class ProcessOutcome
{
    public int? ExitCode { get; init; }
    public bool TimedOut { get; init; }
    /// <summary>Why the watch stopped the process early, or null.</summary>
    public string? StoppedBecause { get; init; }
    public string? StartError { get; init; }
    public TimeSpan Duration { get; init; }
    public string Stdout { get; init; } = "";
    public string Stderr { get; init; } = "";
    /// <summary>Standard output and error interleaved as they arrived.</summary>
    public string Output { get; init; } = "";
    /// <summary>For each read from standard output: how many characters had arrived by then, when, and how much CPU
    /// time the process had used by then (its own work, which does not grow when other processes share the cores).</summary>
    public IReadOnlyList<(int End, TimeSpan At, TimeSpan Cpu)> StdoutArrivals { get; init; } = Array.Empty<(int, TimeSpan, TimeSpan)>();

    /// <summary>When <paramref name="text"/> had fully arrived on standard output, or null if it never did.</summary>
    public TimeSpan? ArrivalOf(string text) => Arrival(text)?.At;

    /// <summary>The process's CPU time when <paramref name="text"/> had fully arrived, or null if it never did.</summary>
    public TimeSpan? CpuAtArrivalOf(string text) => Arrival(text)?.Cpu;

    private (int End, TimeSpan At, TimeSpan Cpu)? Arrival(string text)
    {
        int index = Stdout.IndexOf(text, StringComparison.Ordinal);
        if (index < 0) return null;
        int end = index + text.Length;
        foreach (var arrival in StdoutArrivals)
            if (arrival.End >= end) return arrival;
        return null;
    }
}

/// <summary>The host's one process runner: builds, ISO packing and QEMU all start through it.</summary>
public static class ProcessRunner
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(50);

    /// <param name="timeout">Killed after this long (null: no limit).</param>
    /// <param name="watch">Called about every 50 ms with standard output so far; a non-null answer stops the
    /// process after <paramref name="stopGrace"/>, and is kept as the reason.</param>
    /// <param name="echo">Receives standard output as it arrives (run.sh shows the boot live).</param>
    public static async Task<ProcessOutcome> RunAsync(string file, IEnumerable<string> args, string? cwd = null,
        TimeSpan? timeout = null, Func<string, string?>? watch = null, TimeSpan stopGrace = default, Action<string>? echo = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = cwd ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8,   // the kernel's console speaks UTF-8
            StandardErrorEncoding = Encoding.UTF8,
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        // Under `dotnet test` MSBuild's variables must not leak into a nested build.
        foreach (var key in psi.Environment.Keys.ToList())
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                psi.Environment.Remove(key);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        var sw = Stopwatch.StartNew();
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var both = new StringBuilder();
        var arrivals = new List<(int, TimeSpan, TimeSpan)>();
        var cpu = TimeSpan.Zero;
        using var p = new Process { StartInfo = psi };
        try
        {
            p.Start();
        }
        catch (Exception ex)
        {
            return new ProcessOutcome { StartError = $"could not start {file}: {ex.Message}", Duration = sw.Elapsed };
        }
        p.StandardInput.Close();

        // One thread per pipe, not the thread pool: arrival times stay true however busy the pool is.
        Thread Pump(StreamReader reader, StringBuilder own, bool isStdout)
        {
            var thread = new Thread(() =>
            {
                var buffer = new char[4096];
                int n;
                while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
                {
                    var chunk = new string(buffer, 0, n);
                    var at = sw.Elapsed;
                    if (isStdout)
                        try { cpu = p.TotalProcessorTime; }
                        catch (InvalidOperationException) { }          // exited: keep the last
                        catch (System.ComponentModel.Win32Exception) { }   // exiting (its /proc entry is going): keep the last
                    lock (both)
                    {
                        own.Append(chunk);
                        both.Append(chunk);
                        if (isStdout) arrivals.Add((own.Length, at, cpu));
                    }
                    if (isStdout) echo?.Invoke(chunk);
                }
            }) { IsBackground = true, Name = isStdout ? "stdout of " + file : "stderr of " + file };
            thread.Start();
            return thread;
        }
        var outPump = Pump(p.StandardOutput, stdout, true);
        var errPump = Pump(p.StandardError, stderr, false);

        bool timedOut = false;
        string? stopped = null;
        var exited = p.WaitForExitAsync();
        while (!exited.IsCompleted)
        {
            var left = timeout.HasValue ? timeout.Value - sw.Elapsed : WatchInterval;
            if (left <= TimeSpan.Zero) { timedOut = true; break; }
            await Task.WhenAny(exited, Task.Delay(left < WatchInterval ? left : WatchInterval));
            if (watch != null && !exited.IsCompleted)
            {
                string sofar;
                lock (both) sofar = stdout.ToString();
                if ((stopped = watch(sofar)) != null)
                {
                    await Task.WhenAny(exited, Task.Delay(stopGrace));
                    break;
                }
            }
        }
        if (!exited.IsCompleted)
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await exited;
        }
        // A child that outlives the process (a build server) could hold the pipes open: do not wait forever.
        await Task.Run(() => outPump.Join(TimeSpan.FromSeconds(5)) && errPump.Join(TimeSpan.FromSeconds(5)));
        sw.Stop();
        lock (both)
            return new ProcessOutcome
            {
                ExitCode = timedOut || stopped != null ? null : p.ExitCode,
                TimedOut = timedOut,
                StoppedBecause = stopped,
                Duration = sw.Elapsed,
                Stdout = stdout.ToString(),
                Stderr = stderr.ToString(),
                Output = both.ToString(),
                StdoutArrivals = arrivals.ToArray(),
            };
    }
}
