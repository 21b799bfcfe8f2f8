using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using BuddyOS.Protocol;

namespace BuddyOS.Qemu;

/// <summary>
/// A running BuddyOS shell under QEMU, driven the way a person would: lines typed on COM1 (QEMU's stdin),
/// keys pressed on the PS/2 keyboard (the monitor's sendkey), answers read from COM1 (QEMU's stdout).
/// The ISO must boot with the kernel's `shell` option.
/// </summary>
public sealed class QemuShell : IAsyncDisposable
{
    private readonly Process _qemu;
    private readonly StringBuilder _serial = new();
    private readonly string _monitorPath;
    private Socket? _monitor;
    private int _read;                  // how much of _serial the waits have consumed
    private readonly Thread _pump;

    public string Command { get; }
    public string Stderr { get; private set; } = "";

    /// <summary>Everything COM1 said so far.</summary>
    public string Serial { get { lock (_serial) return _serial.ToString(); } }

    private QemuShell(Process qemu, string command, string monitorPath)
    {
        _qemu = qemu;
        Command = command;
        _monitorPath = monitorPath;
        _pump = new Thread(() =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = qemu.StandardOutput.Read(buffer, 0, buffer.Length)) > 0)
                lock (_serial)
                {
                    _serial.Append(buffer, 0, n);
                    Monitor.PulseAll(_serial);
                }
            lock (_serial) Monitor.PulseAll(_serial);
        }) { IsBackground = true, Name = "QEMU shell serial" };
        _pump.Start();
        _ = Task.Run(async () => Stderr = await qemu.StandardError.ReadToEndAsync());
    }

    /// <summary>Boots <paramref name="options"/> (serial on pipes, a monitor socket); throws when QEMU cannot start.</summary>
    public static QemuShell Start(QemuOptions options)
    {
        var monitor = Path.Combine(Path.GetTempPath(), $"buddyos-monitor-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}.sock");
        options = options with { Serial = SerialMode.Pipe, MonitorSocket = monitor };
        var (qemu, args, error) = QemuLauncher.Prepare(options);
        if (qemu == null)
            throw new InvalidOperationException(error);
        var psi = new ProcessStartInfo(qemu)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,   // the kernel's console speaks UTF-8
            UseShellExecute = false,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {qemu}");
        return new QemuShell(process, qemu + " " + string.Join(" ", args.Select(QemuLauncher.Quote)), monitor);
    }

    /// <summary>
    /// Waits until <paramref name="text"/> arrives after what earlier waits consumed; returns the output up to it
    /// (without it) and consumes both. Throws TimeoutException, with the output so far, when it does not arrive.
    /// </summary>
    public string WaitFor(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        lock (_serial)
        {
            while (true)
            {
                var all = _serial.ToString();
                int at = all.IndexOf(text, _read, StringComparison.Ordinal);
                if (at >= 0)
                {
                    var before = all[_read..at];
                    _read = at + text.Length;
                    return before;
                }
                var left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || (_qemu.HasExited && !_pump.IsAlive))
                    throw new TimeoutException($"\"{text}\" did not arrive within {timeout.TotalSeconds:0} s" +
                        (_qemu.HasExited ? $" (QEMU exited {_qemu.ExitCode})" : "") + $"; serial since the last answer:\n{all[_read..]}");
                Monitor.Wait(_serial, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>The shell's first prompt, after the boot report.</summary>
    public string WaitForPrompt(TimeSpan timeout) => WaitFor(ReportProtocol.ShellPrompt, timeout);

    /// <summary>Types <paramref name="line"/> on COM1 and returns the answer: the lines between the echo and the next
    /// prompt (the shell's, or <paramref name="prompt"/>: a kernel of the user's own has its own).</summary>
    public string Run(string line, TimeSpan? timeout = null, string prompt = ReportProtocol.ShellPrompt)
    {
        TypeOnSerial(line + "\r");
        var output = WaitFor(prompt, timeout ?? TimeSpan.FromSeconds(30)).Replace("\r", "");
        var echo = line + "\n";
        return output.StartsWith(echo, StringComparison.Ordinal) ? output[echo.Length..] : output;
    }

    public void TypeOnSerial(string text)
    {
        _qemu.StandardInput.Write(text);
        _qemu.StandardInput.Flush();
    }

    /// <summary>Presses the keys for <paramref name="text"/> on the PS/2 keyboard ('\n' is Enter), one sendkey each.</summary>
    public async Task TypeOnKeyboardAsync(string text)
    {
        foreach (var c in text)
            await MonitorCommandAsync("sendkey " + KeyName(c));
    }

    /// <summary>One line to QEMU's human monitor; its answer is not read back (sendkey has none).</summary>
    public async Task MonitorCommandAsync(string command)
    {
        if (_monitor == null)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (true)
            {
                try
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(_monitorPath));
                    _monitor = socket;
                    // The monitor's banner and echoes are drained and dropped.
                    _ = Task.Run(async () =>
                    {
                        var sink = new byte[4096];
                        try { while (await socket.ReceiveAsync(sink, SocketFlags.None) > 0) { } } catch (Exception) { }
                    });
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
            }
        }
        await _monitor.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None);
        // The monitor reads a line at a time; a short pause keeps a burst of keys from outrunning the guest's ring.
        await Task.Delay(20);
    }

    /// <summary>
    /// The screen as QEMU shows it, through the monitor's screendump (a binary PPM, P6) into <paramref name="path"/>;
    /// returns once the file holds the whole image. Throws TimeoutException when it never does.
    /// </summary>
    public async Task ScreendumpAsync(string path, TimeSpan timeout)
    {
        File.Delete(path);
        await MonitorCommandAsync($"screendump {path}");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            if (File.Exists(path) && PpmComplete(path))
                return;
        }
        throw new TimeoutException($"screendump {path} did not complete within {timeout.TotalSeconds:0} s");
    }

    // P6, width, height, 255, then width * height * 3 bytes.
    private static bool PpmComplete(string path)
    {
        try
        {
            var bytes = File.ReadAllBytes(path);
            var header = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 64)).Split(new[] { ' ', '\n' }, 5);
            return header.Length == 5 && header[0] == "P6" && int.TryParse(header[1], out int w) && int.TryParse(header[2], out int h) &&
                bytes.Length >= w * h * 3 + header[0].Length + header[1].Length + header[2].Length + header[3].Length + 4;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>QEMU's key name (qcode) for a character of the US layout.</summary>
    public static string KeyName(char c) => c switch
    {
        >= 'a' and <= 'z' or >= '0' and <= '9' => c.ToString(),
        >= 'A' and <= 'Z' => "shift-" + char.ToLowerInvariant(c),
        ' ' => "spc",
        '\n' => "ret",
        '\b' => "backspace",
        '-' => "minus",
        '=' => "equal",
        '.' => "dot",
        ',' => "comma",
        '/' => "slash",
        '_' => "shift-minus",
        _ => throw new ArgumentException($"no key for '{c}'"),
    };

    /// <summary>QEMU's exit status once it ended by itself within <paramref name="timeout"/>, else null (then it is killed).</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _qemu.WaitForExitAsync(cts.Token);
            _pump.Join(TimeSpan.FromSeconds(5));
            return _qemu.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_qemu.HasExited)
        {
            try { _qemu.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await _qemu.WaitForExitAsync();
        }
        _monitor?.Dispose();
        try { File.Delete(_monitorPath); } catch (IOException) { }
        _qemu.Dispose();
    }
}
