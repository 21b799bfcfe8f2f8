using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Tests.Terminal;

public class SerialKeyDecoderTests
{
    private static List<KeyEvent> Decode(string bytes)
    {
        var decoder = new SerialKeyDecoder();
        var keys = new List<KeyEvent>();
        foreach (var b in bytes)
            if (decoder.Feed((byte)b, out var key)) keys.Add(key);
        return keys;
    }

    private static string Describe(IEnumerable<KeyEvent> keys) =>
        string.Join(" ", keys.Select(k => k.Control ? $"^{k.Char}" : k.Key == TerminalKey.Character ? k.Char.ToString() : k.Key.ToString()));

    [Theory]
    [InlineData("\x1b[A", "Up")]
    [InlineData("\x1bOA", "Up")]
    [InlineData("\x1b[B\x1bOB", "Down Down")]
    [InlineData("\x1b[C\x1bOC", "Right Right")]
    [InlineData("\x1b[D\x1bOD", "Left Left")]
    [InlineData("\x1b[H\x1bOH\x1b[1~\x1b[7~", "Home Home Home Home")]
    [InlineData("\x1b[F\x1bOF\x1b[4~\x1b[8~", "End End End End")]
    [InlineData("\x1b[2~\x1b[3~\x1b[5~\x1b[6~", "Insert Delete PageUp PageDown")]
    [InlineData("\x1b[1;5C\x1b[3;2~", "Right Delete")]               // modifiers are read and ignored
    [InlineData("\x1b[15~\x1bOP\x1b[Z", "")]                         // F5, F1, back-tab: swallowed whole
    [InlineData("ab\x1b[Ac", "a b Up c")]
    public void Escape_sequences_of_both_cursor_key_encodings_and_ESC_n_tilde(string bytes, string expected) =>
        Assert.Equal(expected, Describe(Decode(bytes)));

    [Theory]
    [InlineData("\r", "Enter")]
    [InlineData("\n", "Enter")]
    [InlineData("\r\n", "Enter")]
    [InlineData("\r\r", "Enter Enter")]
    [InlineData("\n\n", "Enter Enter")]
    [InlineData("\x7f\b", "Backspace Backspace")]
    [InlineData("\t", "Tab")]
    [InlineData("\x03\x0c\x01\x05\x15", "^c ^l ^a ^e ^u")]
    [InlineData("\x1b\x1b", "Escape")]
    [InlineData("\x1bx", "x")]                                       // Alt-x as ESC x: the x
    [InlineData("\0\x80\xff", "")]
    public void Control_bytes(string bytes, string expected) =>
        Assert.Equal(expected, Describe(Decode(bytes)));

    [Fact]
    public void Ctrl_C_is_the_interrupt_and_nothing_else_is()
    {
        var keys = Decode("\u0003c\x1b[A");
        Assert.Equal(new[] { true, false, false }, keys.Select(k => k.IsInterrupt));
    }
}

public class Ps2KeyDecoderTests
{
    private static string Decode(params byte[] codes)
    {
        var decoder = new Ps2KeyDecoder();
        var keys = new List<string>();
        foreach (var code in codes)
            if (decoder.Feed(code, out var key))
                keys.Add(key.Control ? $"^{key.Char}" : key.Key == TerminalKey.Character ? key.Char.ToString() : key.Key.ToString());
        return string.Join(" ", keys);
    }

    [Fact]
    public void Extended_keys_with_their_E0_prefix() =>
        Assert.Equal("Up Down Left Right Home End Insert Delete PageUp PageDown Enter /",
            Decode(0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0x50, 0xE0, 0x4B, 0xE0, 0x4D, 0xE0, 0x47, 0xE0, 0x4F,
                   0xE0, 0x52, 0xE0, 0x53, 0xE0, 0x49, 0xE0, 0x51, 0xE0, 0x1C, 0xE0, 0x35));

    [Fact]
    public void Fake_shifts_around_extended_keys_do_not_shift() =>
        // E0 2A (fake left shift down), E0 48 (up), E0 C8, E0 AA (fake shift up), then 'a'
        Assert.Equal("Up a", Decode(0xE0, 0x2A, 0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0xAA, 0x1E));

    [Fact]
    public void Keypad_moves_the_cursor_without_num_lock_and_types_digits_with_it() =>
        Assert.Equal("Home Up Left 7 8 4 Left", Decode(0x47, 0x48, 0x4B, 0x45, 0xC5, 0x47, 0x48, 0x4B, 0x45, 0x4B));

    [Fact]
    public void Ctrl_with_a_letter_is_a_control_key_on_either_side() =>
        Assert.Equal("^c c ^l", Decode(0x1D, 0x2E, 0xAE, 0x9D, 0x2E, 0xE0, 0x1D, 0x26, 0xE0, 0x9D));

    [Fact]
    public void Shift_caps_lock_and_releases() =>
        Assert.Equal("h H A a ! Backspace Enter Tab", Decode(0x23, 0xA3, 0x2A, 0x23, 0xAA, 0x3A, 0xBA, 0x1E, 0x2A, 0x1E, 0xAA,
            0x3A, 0x36, 0x02, 0xB6, 0x0E, 0x1C, 0x0F));

    [Fact]
    public void The_pause_key_sequence_is_swallowed() =>
        Assert.Equal("a", Decode(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x1E));
}
