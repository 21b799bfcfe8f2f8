using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace BuddyOS.Qemu;

/// <summary>
/// QEMU's machine protocol (QMP) on a Unix socket, read for one thing: why QEMU shut down. Its SHUTDOWN event says
/// "host-qmp-quit" when a person quit with Ctrl-A X (the serial multiplexer asks QEMU to quit), and "guest-reset"
/// when the machine reset itself under -no-reboot (a triple fault, or a reset the kernel asked for), both with
/// exit status 0: the reason is what tells them apart.
/// </summary>
public sealed class QmpEvents : IAsyncDisposable
{
    private readonly Socket? _socket;
    private readonly Task _reader = Task.CompletedTask;
    private string? _shutdownReason;

    /// <summary>The reason of the last SHUTDOWN event, or null if none arrived.</summary>
    public string? ShutdownReason { get { lock (this) return _shutdownReason; } }

    /// <summary>Why nothing could be read (QEMU gone before the socket was up, say), or null.</summary>
    public string? Error { get; private set; }

    private QmpEvents(Socket? socket, string? error)
    {
        _socket = socket;
        Error = error;
        if (socket != null)
            _reader = Task.Run(ReadAsync);
    }

    /// <summary>Connects to <paramref name="path"/> (retrying while QEMU creates it) and enters command mode.</summary>
    public static async Task<QmpEvents> ConnectAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(path));
                // QEMU sends its greeting, then accepts commands; events flow after qmp_capabilities.
                await socket.SendAsync(Encoding.ASCII.GetBytes("{\"execute\": \"qmp_capabilities\"}\n"), SocketFlags.None);
                return new QmpEvents(socket, null);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                if (DateTime.UtcNow >= deadline)
                    return new QmpEvents(null, $"QMP socket {path}: {e.Message}");
                await Task.Delay(50);
            }
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        var pending = new StringBuilder();
        try
        {
            int n;
            while ((n = await _socket!.ReceiveAsync(buffer, SocketFlags.None)) > 0)
            {
                pending.Append(Encoding.UTF8.GetString(buffer, 0, n));
                int newline;
                while ((newline = pending.ToString().IndexOf('\n')) >= 0)
                {
                    var line = pending.ToString(0, newline);
                    pending.Remove(0, newline + 1);
                    Note(line);
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    private void Note(string line)
    {
        try
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (root.TryGetProperty("event", out var name) && name.GetString() == "SHUTDOWN" &&
                root.TryGetProperty("data", out var data) && data.TryGetProperty("reason", out var reason))
                lock (this) _shutdownReason = reason.GetString();
        }
        catch (JsonException)
        {
        }
    }

    /// <summary>Waits (briefly) for QEMU to close the socket, so an event sent just before the exit is read.</summary>
    public async Task DrainAsync(TimeSpan timeout) => await Task.WhenAny(_reader, Task.Delay(timeout));

    public async ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        await Task.WhenAny(_reader, Task.Delay(1000));
    }
}
