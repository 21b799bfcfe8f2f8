// PS/2 scancode set 1 (what the 8042's translation delivers by default) into key events, US layout.
// Keeps the modifier state: both shifts, both Ctrls, caps lock, num lock. E0-prefixed codes are the extended
// keys: arrows, Home, End, Insert, Delete, PageUp, PageDown, keypad Enter and '/', right Ctrl; E0 2A / E0 AA
// (the fake shifts some keys send around themselves) and the Pause key's E1 sequence are swallowed.
// The keypad types digits with num lock on and moves the cursor with it off (the state at reset).
// Ctrl + a letter is a Control key event (Ctrl-C cancels). Pure: no I/O, no statics.
namespace BuddyOS.Kernel.Terminal
{
    internal struct Ps2KeyDecoder
    {
        private const byte LeftShift = 0x2A, RightShift = 0x36, Ctrl = 0x1D, Alt = 0x38, CapsLock = 0x3A, NumLock = 0x45;
        private const byte Extended = 0xE0, Pause = 0xE1, Release = 0x80;

        // Make codes 0x00-0x39 to characters, without and with shift; '\0' for keys that type nothing here.
        private const string Plain = "\0\x1b" + "1234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
        private const string Shifted = "\0\x1b" + "!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";
        // The keypad, 0x47-0x53, with num lock on ('\0': 0x4C is 5, kept; none is empty).
        private const string KeypadDigits = "789-456+1230.";

        private bool _leftShift, _rightShift, _leftCtrl, _rightCtrl, _capsLock, _numLock, _extended;
        private int _pauseBytes;   // bytes left of the Pause key's E1 1D 45 E1 9D C5

        public bool Shift => _leftShift || _rightShift;
        public bool Control => _leftCtrl || _rightCtrl;

        public bool Feed(byte scancode, out KeyEvent key)
        {
            key = default;
            if (_pauseBytes > 0)
            {
                _pauseBytes--;
                return false;
            }
            if (scancode == Pause)
            {
                _pauseBytes = 5;
                return false;
            }
            if (scancode == Extended)
            {
                _extended = true;
                return false;
            }
            bool extended = _extended;
            _extended = false;
            bool released = (scancode & Release) != 0;
            byte code = (byte)(scancode & ~Release);

            if (code == LeftShift || code == RightShift)
            {
                if (!extended)   // E0 2A / E0 AA: fake shifts around some extended keys
                {
                    if (code == LeftShift) _leftShift = !released;
                    else _rightShift = !released;
                }
                return false;
            }
            if (code == Ctrl)
            {
                if (extended) _rightCtrl = !released;
                else _leftCtrl = !released;
                return false;
            }
            if (released || code == Alt)
                return false;
            if (code == CapsLock && !extended)
            {
                _capsLock = !_capsLock;
                return false;
            }
            if (code == NumLock && !extended)
            {
                _numLock = !_numLock;
                return false;
            }
            if (extended)
                return ExtendedKey(code, out key);
            if (code >= 0x47 && code <= 0x53)
            {
                if (_numLock && !Shift)
                {
                    key = KeyEvent.Character(KeypadDigits[code - 0x47]);
                    return true;
                }
                return Navigation(code, out key) || KeypadOperator(code, out key);
            }
            if (code >= Plain.Length)
                return false;   // F1-F12 and the like
            char c = Shift ? Shifted[code] : Plain[code];
            // Caps lock shifts letters only, and shift undoes it.
            bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            if (_capsLock && letter)
                c = (char)(c ^ 0x20);
            if (c == '\0')
                return false;
            if (Control && letter)
            {
                key = KeyEvent.Ctrl((char)(c | 0x20));
                return true;
            }
            key = c switch
            {
                '\n' => new KeyEvent(TerminalKey.Enter, '\n'),
                '\b' => new KeyEvent(TerminalKey.Backspace, '\b'),
                '\t' => new KeyEvent(TerminalKey.Tab, '\t'),
                (char)0x1B => new KeyEvent(TerminalKey.Escape, c),
                _ => KeyEvent.Character(c),
            };
            return true;
        }

        private static bool ExtendedKey(byte code, out KeyEvent key)
        {
            if (code == 0x1C)
            {
                key = new KeyEvent(TerminalKey.Enter, '\n');   // keypad Enter
                return true;
            }
            if (code == 0x35)
            {
                key = KeyEvent.Character('/');                 // keypad '/'
                return true;
            }
            return Navigation(code, out key);                  // anything else (GUI keys, media keys): no key
        }

        // The six-key block and the arrows; the keypad sends the same codes without E0.
        private static bool Navigation(byte code, out KeyEvent key)
        {
            TerminalKey k = code switch
            {
                0x47 => TerminalKey.Home,
                0x48 => TerminalKey.Up,
                0x49 => TerminalKey.PageUp,
                0x4B => TerminalKey.Left,
                0x4D => TerminalKey.Right,
                0x4F => TerminalKey.End,
                0x50 => TerminalKey.Down,
                0x51 => TerminalKey.PageDown,
                0x52 => TerminalKey.Insert,
                0x53 => TerminalKey.Delete,
                _ => TerminalKey.None,
            };
            key = new KeyEvent(k);
            return k != TerminalKey.None;
        }

        private static bool KeypadOperator(byte code, out KeyEvent key)
        {
            key = default;
            if (code == 0x4A) key = KeyEvent.Character('-');
            else if (code == 0x4E) key = KeyEvent.Character('+');
            else return false;
            return true;
        }
    }
}
