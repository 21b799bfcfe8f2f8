using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Tests.Terminal;

public class TextGridTests
{
    [Fact]
    public void Newline_wraps_and_scrolls()
    {
        using var s = new TerminalScreen(10, 3);
        s.Write("one\ntwo\nthree\nfour");
        Assert.Equal(new[] { "two", "three", "four" }, new[] { s.RowText(0), s.RowText(1), s.RowText(2) });
        s.Grid.TakeChanges(out _, out _, out var scrolled);
        Assert.Equal(1, scrolled);
    }

    [Fact]
    public void A_full_row_leaves_a_wrap_pending_until_the_next_character()
    {
        using var s = new TerminalScreen(5, 3);
        s.Write("abcde");
        Assert.Equal((0, 4), (s.CursorRow, s.CursorColumn));
        s.Write("\rX");
        Assert.Equal("Xbcde", s.RowText(0));
        s.Write("\x1b[4Cy");   // to the last column, write: wrap pending again
        s.Write("z");
        Assert.Equal(("Xbcdy", "z"), (s.RowText(0), s.RowText(1)));
    }

    [Fact]
    public void Backspace_at_column_zero_goes_to_the_end_of_the_row_above()
    {
        using var s = new TerminalScreen(5, 3);
        s.Write("abcdefg\b\b\b ");
        Assert.Equal(("abcd", "fg"), (s.RowText(0), s.RowText(1)));
        Assert.Equal((0, 4), (s.CursorRow, s.CursorColumn)); // the space was written in the last column: wrap pending there
    }

    [Fact]
    public void Erase_and_cursor_sequences()
    {
        using var s = new TerminalScreen(10, 3);
        s.Write("0123456789\n0123456789");
        s.Write("\x1b[1;4H\x1b[0K");
        Assert.Equal("012", s.RowText(0));
        s.Write("\x1b[2;6H\x1b[1K");
        Assert.Equal("      6789", s.RowText(1));
        s.Write("\x1b[2K");
        Assert.Equal("", s.RowText(1));
        s.Write("\x1b[3;1Hxyz\x1b[2D\x1b[A+");
        Assert.Equal(("012", " +", "xyz"), (s.RowText(0), s.RowText(1), s.RowText(2)));
        s.Write("\x1b[H\x1b[2J");
        Assert.Equal(("", "", ""), (s.RowText(0), s.RowText(1), s.RowText(2)));
        Assert.Equal((0, 0), (s.CursorRow, s.CursorColumn));
        s.Write("\x1b[31mred\x1b[?25l!");   // colours and private modes: swallowed
        Assert.Equal("red!", s.RowText(0));
    }

    [Fact]
    public void Changes_are_reported_as_a_cell_range_moved_up_by_scrolling()
    {
        using var s = new TerminalScreen(4, 2);
        s.Grid.TakeChanges(out _, out _, out _);
        s.Write("ab");
        Assert.True(s.Grid.TakeChanges(out var first, out var last, out var scrolled));
        Assert.Equal((0, 1, 0), (first, last, scrolled));
        s.Write("\nc\nd");
        s.Grid.TakeChanges(out first, out last, out scrolled);
        Assert.Equal(1, scrolled);
        Assert.True(first <= 4 && last == 7, $"{first}..{last}");   // the new bottom row
        Assert.False(s.Grid.TakeChanges(out _, out _, out _));
    }
}

public unsafe class RowTextAndKeyQueueTests
{
    [Fact]
    public void Row_text_is_what_the_current_row_shows_without_escape_sequences()
    {
        var row = new RowText();
        foreach (var c in "old\n\x1b[H\x1b[2Jbuddyos> x\b") row.Write(c);
        var text = new string(row.Text, 0, row.Length);
        Assert.Equal("buddyos> ", text);
    }

    [Fact]
    public void The_key_queue_keeps_order_and_refuses_when_full()
    {
        var queue = new KeyQueue();
        for (int i = 0; i < KeyQueue.Capacity; i++) Assert.True(queue.TryAdd(KeyEvent.Character((char)('a' + i % 26))));
        Assert.False(queue.TryAdd(KeyEvent.Ctrl('c')));
        Assert.True(queue.TryTake(out var first));
        Assert.Equal('a', first.Char);
        queue.Clear();
        Assert.True(queue.IsEmpty);
        queue.TryAdd(KeyEvent.Ctrl('c'));
        Assert.True(queue.TryTake(out var interrupt) && interrupt.IsInterrupt);
    }
}
