// Bytes from a terminal on COM1 into key events, as a small state machine (one byte in, at most one key out):
//   printable ASCII                 a character
//   \r, \n, \r\n                    one Enter (the \n after a \r is swallowed)
//   DEL (0x7F), BS (0x08)           Backspace
//   \t                              Tab
//   0x01-0x1A otherwise             Ctrl + letter (0x03 is Ctrl-C)
//   ESC [ A..D, ESC O A..D          arrows: both the normal and the application cursor-key encodings
//   ESC [ H / F, ESC O H / F        Home / End
//   ESC [ n ~                       1/7 Home, 2 Insert, 3 Delete, 4/8 End, 5 PageUp, 6 PageDown (modifiers ";m" ignored)
//   ESC x (x not [ or O)            x alone: terminals send Alt-x as ESC x; a lone ESC is the Escape key when
//                                   ESC ESC arrives, else it waits for its next byte
// Unknown sequences (function keys, ESC [ 1 5 ~ ...) are swallowed whole. Pure: no I/O, no statics.
namespace BuddyOS.Kernel.Terminal
{
    internal struct SerialKeyDecoder
    {
        private const byte Esc = 0x1B;

        private enum State : byte { Ground, Escape, Csi, Ss3 }

        private State _state;
        private bool _afterCarriageReturn;
        private int _parameter;       // the first number of a CSI sequence
        private bool _secondParameter; // past a ';': later digits are the modifier, ignored

        public bool Feed(byte b, out KeyEvent key)
        {
            key = default;
            bool afterCr = _afterCarriageReturn;
            _afterCarriageReturn = b == '\r';
            switch (_state)
            {
                case State.Escape:
                    if (b == '[')
                    {
                        _state = State.Csi;
                        _parameter = 0;
                        _secondParameter = false;
                        return false;
                    }
                    if (b == 'O')
                    {
                        _state = State.Ss3;
                        return false;
                    }
                    _state = State.Ground;
                    if (b == Esc)
                    {
                        key = new KeyEvent(TerminalKey.Escape, (char)Esc);
                        return true;
                    }
                    return Ground(b, false, out key);
                case State.Csi:
                    if (b >= '0' && b <= '9')
                    {
                        if (!_secondParameter && _parameter < 1000)
                            _parameter = _parameter * 10 + (b - '0');
                        return false;
                    }
                    if (b == ';')
                    {
                        _secondParameter = true;
                        return false;
                    }
                    _state = State.Ground;
                    if (b == '~')
                        return Tilde(_parameter, out key);
                    return Final(b, out key);   // anything else ends the sequence; unknown finals give no key
                case State.Ss3:
                    _state = State.Ground;
                    return Final(b, out key);
                default:
                    return Ground(b, afterCr, out key);
            }
        }

        // Back to the ground state: a sequence cut short is forgotten.
        public void Reset()
        {
            _state = State.Ground;
            _afterCarriageReturn = false;
        }

        private bool Ground(byte b, bool afterCr, out KeyEvent key)
        {
            key = default;
            if (b == Esc)
            {
                _state = State.Escape;
                return false;
            }
            if (b == '\n' && afterCr)
                return false;
            if (b == '\r' || b == '\n')
                key = new KeyEvent(TerminalKey.Enter, '\n');
            else if (b == 0x7F || b == 0x08)
                key = new KeyEvent(TerminalKey.Backspace, '\b');
            else if (b == '\t')
                key = new KeyEvent(TerminalKey.Tab, '\t');
            else if (b >= 0x01 && b <= 0x1A)
                key = KeyEvent.Ctrl((char)('a' + b - 1));
            else if (b >= 0x20 && b < 0x7F)
                key = KeyEvent.Character((char)b);
            else
                return false;   // NUL, other C0 controls, bytes above ASCII
            return true;
        }

        private static bool Final(byte b, out KeyEvent key)
        {
            TerminalKey k = b switch
            {
                (byte)'A' => TerminalKey.Up,
                (byte)'B' => TerminalKey.Down,
                (byte)'C' => TerminalKey.Right,
                (byte)'D' => TerminalKey.Left,
                (byte)'H' => TerminalKey.Home,
                (byte)'F' => TerminalKey.End,
                _ => TerminalKey.None,
            };
            key = new KeyEvent(k);
            return k != TerminalKey.None;
        }

        private static bool Tilde(int parameter, out KeyEvent key)
        {
            TerminalKey k = parameter switch
            {
                1 or 7 => TerminalKey.Home,
                2 => TerminalKey.Insert,
                3 => TerminalKey.Delete,
                4 or 8 => TerminalKey.End,
                5 => TerminalKey.PageUp,
                6 => TerminalKey.PageDown,
                _ => TerminalKey.None,
            };
            key = new KeyEvent(k);
            return k != TerminalKey.None;
        }
    }
}
