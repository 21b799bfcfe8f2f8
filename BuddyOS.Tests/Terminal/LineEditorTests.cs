using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Tests.Terminal;

/// <summary>
/// The line editor fed key events, its output drawn by the kernel's own TextGrid: every test checks both the
/// line the editor returns and what a person would see on the row.
/// </summary>
public sealed unsafe class LineEditorTests : IDisposable
{
    private const string Prompt = "buddyos> ";
    private readonly LineEditor _editor = new(200, 4);
    private readonly TerminalScreen _screen = new();

    public void Dispose() => _screen.Dispose();

    private static readonly KeyEvent Up = new(TerminalKey.Up), Down = new(TerminalKey.Down), Left = new(TerminalKey.Left),
        Right = new(TerminalKey.Right), Home = new(TerminalKey.Home), End = new(TerminalKey.End), Delete = new(TerminalKey.Delete),
        Backspace = new(TerminalKey.Backspace, '\b'), Enter = new(TerminalKey.Enter, '\n');

    private void Begin()
    {
        _screen.Write(Prompt);
        fixed (char* p = Prompt) _editor.Begin(p, Prompt.Length);
    }

    private EditResult Feed(params KeyEvent[] keys)
    {
        var result = EditResult.Editing;
        foreach (var key in keys)
        {
            result = _editor.Feed(key);
            _screen.Write(_editor.Output, _editor.OutputLength);
        }
        return result;
    }

    private EditResult Type(string text) => Feed(text.Select(KeyEvent.Character).ToArray());

    private string Line => new(_editor.Line, 0, _editor.Length);

    /// <summary>Types a whole line and presses Enter, from a fresh prompt.</summary>
    private void EnterLine(string text)
    {
        Begin();
        Type(text);
        Assert.Equal(EditResult.Done, Feed(Enter));
    }

    [Fact]
    public void Typing_at_the_end_echoes_just_the_characters()
    {
        Begin();
        Type("g");
        Assert.Equal("g", new string(_editor.Output, 0, _editor.OutputLength));
        Type("c");
        Assert.Equal(EditResult.Done, Feed(Enter));
        Assert.Equal("gc", Line);
        Assert.Equal("buddyos> gc", _screen.RowText(0));
        Assert.Equal((1, 0), (_screen.CursorRow, _screen.CursorColumn));
    }

    [Fact]
    public void Left_right_home_end_move_and_insertion_happens_at_the_cursor()
    {
        Begin();
        Type("echo world");
        Feed(Left, Left, Left, Left, Left);
        Type("big ");
        Assert.Equal("echo big world", Line);
        Assert.Equal(Prompt.Length + 9, _screen.CursorColumn);
        Feed(Home);
        Type(">");
        Feed(End);
        Type("!");
        Assert.Equal(">echo big world!", Line);
        Assert.Equal("buddyos> >echo big world!", _screen.RowText(0));
        Assert.Equal(Prompt.Length + Line.Length, _screen.CursorColumn);
        Feed(Right);   // at the end: nothing
        Assert.Equal(">echo big world!", Line);
    }

    [Fact]
    public void Backspace_and_delete_in_the_middle_of_a_line()
    {
        Begin();
        Type("alloc 1000");
        Feed(Left, Left, Backspace);
        Assert.Equal("alloc 100", Line);
        Feed(Home, Delete, Delete);
        Assert.Equal("loc 100", Line);
        Feed(End, Backspace, Backspace);
        Assert.Equal("loc 1", Line);
        Assert.Equal("buddyos> loc 1", _screen.RowText(0));
        Feed(Home, Backspace);   // at the start: nothing
        Assert.Equal("loc 1", Line);
    }

    [Fact]
    public void History_up_and_down_with_the_line_being_typed_kept_at_the_bottom()
    {
        EnterLine("mem");
        EnterLine("alloc 100");
        EnterLine("alloc 100");   // the same as the last: kept once
        EnterLine("");            // empty: not kept
        Assert.Equal(2, _editor.HistoryCount);
        Begin();
        Type("gc");
        Feed(Up);
        Assert.Equal("alloc 100", Line);
        Feed(Up);
        Assert.Equal("mem", Line);
        Feed(Up);             // the oldest: stays
        Assert.Equal("mem", Line);
        Assert.Equal("buddyos> mem", _screen.RowText(_screen.CursorRow));
        Feed(Down, Down);
        Assert.Equal("gc", Line);
        Feed(Down);           // below the bottom: stays
        Assert.Equal("gc", Line);
        Feed(Up);
        Type(" 5");           // a recalled line is edited like any other
        Assert.Equal(EditResult.Done, Feed(Enter));
        Assert.Equal("alloc 100 5", Line);
    }

    [Fact]
    public void The_history_keeps_its_last_entries_when_full()
    {
        for (int i = 0; i < 6; i++) EnterLine($"echo {i}");
        Assert.Equal(4, _editor.HistoryCount);
        var copy = new char[200];
        Assert.Equal("echo 2", new string(copy, 0, _editor.CopyHistory(0, copy)));
        Assert.Equal("echo 5", new string(copy, 0, _editor.CopyHistory(3, copy)));
        Begin();
        Feed(Up, Up, Up, Up, Up);
        Assert.Equal("echo 2", Line);
    }

    [Fact]
    public void Ctrl_C_cancels_the_line()
    {
        Begin();
        Type("frobnicate");
        Assert.Equal(EditResult.Cancelled, Feed(KeyEvent.Ctrl('c')));
        Assert.Equal("buddyos> frobnicate^C", _screen.RowText(0));
        Assert.Equal((1, 0), (_screen.CursorRow, _screen.CursorColumn));
        Assert.Equal(0, _editor.HistoryCount);
    }

    [Fact]
    public void Ctrl_C_in_the_middle_of_a_line_shows_the_whole_line_then_C()
    {
        Begin();
        Type("echo hello");
        Feed(Home, Right);
        Assert.Equal(EditResult.Cancelled, Feed(KeyEvent.Ctrl('c')));
        Assert.Equal("buddyos> echo hello^C", _screen.RowText(0));
    }

    [Fact]
    public void Ctrl_L_clears_the_screen_and_redraws_the_line_on_the_top_row()
    {
        _screen.Write("some output\nmore\n");
        Begin();
        Type("echo hi");
        Feed(Left);
        Feed(KeyEvent.Ctrl('l'));
        Assert.Equal("buddyos> echo hi", _screen.RowText(0));
        Assert.Equal("", _screen.RowText(1));
        Assert.Equal((0, Prompt.Length + 6), (_screen.CursorRow, _screen.CursorColumn));
        Assert.Equal("echo hi", Line);
    }

    [Fact]
    public void Emacs_keys_kill_and_move()
    {
        Begin();
        Type("echo one two");
        Feed(KeyEvent.Ctrl('w'));
        Assert.Equal("echo one ", Line);
        Feed(KeyEvent.Ctrl('a'), KeyEvent.Ctrl('f'), KeyEvent.Ctrl('k'));
        Assert.Equal("e", Line);
        Feed(KeyEvent.Ctrl('u'));
        Assert.Equal("", Line);
        Assert.Equal("buddyos>", _screen.RowText(0));
    }

    [Fact]
    public void A_line_wider_than_the_terminal_scrolls_sideways_on_its_row()
    {
        Begin();
        var text = string.Concat(Enumerable.Range(0, 100).Select(i => (char)('a' + i % 26)));
        Type(text);
        Assert.Equal(text, Line);
        Assert.Equal(0, _screen.CursorRow);           // never wrapped to a second row
        Assert.Equal(79, _screen.CursorColumn);
        Assert.Equal("buddyos> " + text[30..], _screen.RowText(0));
        Feed(Home);
        Assert.Equal("buddyos> " + text[..70], _screen.RowText(0));   // the last column left empty
        Assert.Equal(Prompt.Length, _screen.CursorColumn);
        Assert.Equal(EditResult.Done, Feed(Enter));
        Assert.Equal(text, Line);
    }

    [Fact]
    public void A_full_line_drops_further_keys()
    {
        var editor = new LineEditor(5, 2);
        fixed (char* p = "") editor.Begin(p, 0);
        foreach (var c in "abcdefg") editor.Feed(KeyEvent.Character(c));
        Assert.Equal("abcde", new string(editor.Line, 0, editor.Length));
    }

    [Fact]
    public void Keys_that_edit_nothing_change_nothing()
    {
        Begin();
        Type("x");
        Feed(new KeyEvent(TerminalKey.Escape), new KeyEvent(TerminalKey.PageUp), new KeyEvent(TerminalKey.Insert), KeyEvent.Character('\x01'));
        Assert.Equal("x", Line);
        Feed(new KeyEvent(TerminalKey.Tab, '\t'));
        Assert.Equal("x ", Line);
    }
}
