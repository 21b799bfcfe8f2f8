using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Tests.Terminal;

/// <summary>A terminal for the tests: the kernel's own TextGrid over managed cells, fed text, read back as rows.</summary>
internal sealed unsafe class TerminalScreen : IDisposable
{
    private readonly ushort* _cells;
    private TextGrid _grid;

    public TerminalScreen(int columns = 80, int rows = 25)
    {
        _cells = (ushort*)System.Runtime.InteropServices.NativeMemory.AllocZeroed((nuint)(columns * rows * 2));
        _grid = new TextGrid(_cells, columns, rows, 0x07);
        _grid.Clear();
    }

    public int CursorRow => _grid.Row;
    public int CursorColumn => _grid.Column;
    public ref TextGrid Grid => ref _grid;

    public void Write(string text)
    {
        foreach (var c in text) _grid.Write(c);
    }

    public void Write(char[] text, int length)
    {
        for (int i = 0; i < length; i++) _grid.Write(text[i]);
    }

    /// <summary>Row <paramref name="row"/> without its trailing spaces.</summary>
    public string RowText(int row)
    {
        var chars = new char[_grid.Columns];
        for (int c = 0; c < chars.Length; c++) chars[c] = _grid.CharAt(row, c);
        return new string(chars).TrimEnd();
    }

    public void Dispose() => System.Runtime.InteropServices.NativeMemory.Free(_cells);
}
