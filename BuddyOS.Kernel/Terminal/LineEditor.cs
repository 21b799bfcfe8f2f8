// A line editor in the manner of linenoise: a small state machine fed one key event at a time, which keeps the
// line, the cursor and a history, and says what to draw as text for a terminal (VT100: \r, ESC [ 0 K, ESC [ n C,
// ESC [ H ESC [ 2 J), which the serial terminal and the kernel's own screens (TextGrid) both understand.
//   printable keys insert at the cursor; Left/Right (Ctrl-B/F), Home/End (Ctrl-A/E) move; Backspace (Ctrl-H)
//   and Delete (Ctrl-D) erase; Ctrl-U erases the line, Ctrl-K to its end, Ctrl-W the word before the cursor;
//   Up/Down (Ctrl-P/N) walk the history (the line being typed comes back at the bottom); Enter ends the line
//   (kept in the history unless empty or the same as the last); Ctrl-C drops it (prints ^C); Ctrl-L clears
//   the screen and redraws the line; Tab inserts a space; Escape, Insert, PageUp/PageDown do nothing.
// A line wider than the terminal scrolls sideways within one row, as linenoise's single-line mode does, so
// the editor never needs to know where a wrapped row went. Storage is allocated once, in the constructor:
// typing and history allocate nothing. Pure: no I/O, no statics; the caller writes Output to the terminal.
namespace BuddyOS.Kernel.Terminal
{
    internal enum EditResult : byte
    {
        Editing,     // more keys wanted
        Done,        // Enter: the line is Line[0..Length)
        Cancelled,   // Ctrl-C: the line is dropped
    }

    internal sealed unsafe class LineEditor
    {
        public const int DefaultColumns = 80;
        public const int MaxPrompt = 64;

        private readonly int _capacity;
        private readonly int _columns;
        private readonly char[] _line;
        private int _length, _cursor;
        private readonly char[] _prompt = new char[MaxPrompt];
        private int _promptLength;

        // History: a ring of lines, oldest first; _browse is how far up the user has gone (-1: the new line,
        // whose text waits in _draft meanwhile).
        private readonly int _historyCapacity;
        private readonly char[] _history;
        private readonly int[] _historyLengths;
        private int _historyCount, _historyNext;
        private int _browse = -1;
        private readonly char[] _draft;
        private int _draftLength;

        private readonly char[] _output;
        private int _outputLength;

        public LineEditor(int capacity, int historyCapacity, int columns = DefaultColumns)
        {
            _capacity = capacity;
            _columns = columns;
            _line = new char[capacity];
            _draft = new char[capacity];
            _historyCapacity = historyCapacity;
            _history = new char[capacity * historyCapacity];
            _historyLengths = new int[historyCapacity];
            // A redraw is at most \r, the prompt, one row of text, ESC[0K, \r, ESC[nnnC; a clear adds 7.
            _output = new char[MaxPrompt + columns + 32];
        }

        public char[] Line => _line;
        public int Length => _length;
        public int Cursor => _cursor;
        public int HistoryCount => _historyCount;

        // What to write to the terminal after the last Begin or Feed.
        public char[] Output => _output;
        public int OutputLength => _outputLength;

        // A new line, after `prompt` (the text already on the cursor's row: redraws repeat it). Longer prompts
        // keep their last MaxPrompt characters.
        public void Begin(char* prompt, int promptLength)
        {
            _outputLength = 0;
            int skip = promptLength > MaxPrompt ? promptLength - MaxPrompt : 0;
            _promptLength = promptLength - skip;
            for (int i = 0; i < _promptLength; i++)
                _prompt[i] = prompt[skip + i];
            _length = 0;
            _cursor = 0;
            _browse = -1;
        }

        // The history entry `index` (0 = oldest) into `destination`; returns its length.
        public int CopyHistory(int index, char[] destination)
        {
            int slot = HistorySlot(index);
            int length = _historyLengths[slot];
            for (int i = 0; i < length; i++)
                destination[i] = _history[slot * _capacity + i];
            return length;
        }

        public EditResult Feed(KeyEvent key)
        {
            _outputLength = 0;
            if (key.Control)
                return Control(key.Char);
            switch (key.Key)
            {
                case TerminalKey.Character:
                    if (key.Char >= ' ' && key.Char < (char)127)
                        Insert(key.Char);
                    break;
                case TerminalKey.Tab: Insert(' '); break;
                case TerminalKey.Enter: return Finish();
                case TerminalKey.Backspace: Backspace(); break;
                case TerminalKey.Delete: Delete(); break;
                case TerminalKey.Left: Move(_cursor - 1); break;
                case TerminalKey.Right: Move(_cursor + 1); break;
                case TerminalKey.Home: Move(0); break;
                case TerminalKey.End: Move(_length); break;
                case TerminalKey.Up: Browse(+1); break;
                case TerminalKey.Down: Browse(-1); break;
            }
            return EditResult.Editing;
        }

        private EditResult Control(char letter)
        {
            switch (letter)
            {
                case 'c':
                    if (_cursor != _length || _promptLength + _length >= _columns)
                    {
                        _cursor = _length;   // ^C after the whole line, as a shell shows it
                        Refresh();
                    }
                    Emit('^');
                    Emit('C');
                    Emit('\n');
                    _length = 0;
                    _cursor = 0;
                    return EditResult.Cancelled;
                case 'a': Move(0); break;
                case 'e': Move(_length); break;
                case 'b': Move(_cursor - 1); break;
                case 'f': Move(_cursor + 1); break;
                case 'h': Backspace(); break;
                case 'd': Delete(); break;
                case 'p': Browse(+1); break;
                case 'n': Browse(-1); break;
                case 'u':
                    _length = 0;
                    _cursor = 0;
                    Refresh();
                    break;
                case 'k':
                    _length = _cursor;
                    Refresh();
                    break;
                case 'w':
                    int start = _cursor;
                    while (start > 0 && _line[start - 1] == ' ')
                        start--;
                    while (start > 0 && _line[start - 1] != ' ')
                        start--;
                    Remove(start, _cursor - start);
                    _cursor = start;
                    Refresh();
                    break;
                case 'l':
                    Emit("\x1b[H\x1b[2J");
                    Refresh();
                    break;
            }
            return EditResult.Editing;
        }

        private void Insert(char c)
        {
            if (_length == _capacity)
                return;   // full: the key is dropped
            for (int i = _length; i > _cursor; i--)
                _line[i] = _line[i - 1];
            _line[_cursor++] = c;
            _length++;
            if (_cursor == _length && _promptLength + _length < _columns)
                Emit(c);   // typing at the end of a line that fits: just the character
            else
                Refresh();
        }

        private void Backspace()
        {
            if (_cursor == 0)
                return;
            bool atEnd = _cursor == _length && _promptLength + _length < _columns;
            Remove(_cursor - 1, 1);
            _cursor--;
            if (atEnd)
                Emit("\b \b");
            else
                Refresh();
        }

        private void Delete()
        {
            if (_cursor == _length)
                return;
            Remove(_cursor, 1);
            Refresh();
        }

        private void Remove(int at, int count)
        {
            for (int i = at; i + count < _length; i++)
                _line[i] = _line[i + count];
            _length -= count;
        }

        private void Move(int to)
        {
            if (to < 0 || to > _length || to == _cursor)
                return;
            _cursor = to;
            Refresh();
        }

        // +1: one entry older; -1: one newer (past the newest, back to the line being typed).
        private void Browse(int direction)
        {
            int target = _browse + direction;
            if (target >= _historyCount || target < -1)
                return;
            if (_browse == -1)
            {
                for (int i = 0; i < _length; i++)
                    _draft[i] = _line[i];
                _draftLength = _length;
            }
            _browse = target;
            if (target == -1)
            {
                for (int i = 0; i < _draftLength; i++)
                    _line[i] = _draft[i];
                _length = _draftLength;
            }
            else
                _length = CopyHistory(_historyCount - 1 - target, _line);
            _cursor = _length;
            Refresh();
        }

        private EditResult Finish()
        {
            // The whole line on screen before the newline, if it was scrolled sideways.
            if (_cursor != _length || _promptLength + _length > _columns)
            {
                _cursor = _length;
                Refresh();
            }
            Emit('\n');
            if (_length > 0 && !SameAsLast())
            {
                int slot = _historyNext;
                for (int i = 0; i < _length; i++)
                    _history[slot * _capacity + i] = _line[i];
                _historyLengths[slot] = _length;
                _historyNext = (_historyNext + 1) % _historyCapacity;
                if (_historyCount < _historyCapacity)
                    _historyCount++;
            }
            _browse = -1;
            return EditResult.Done;
        }

        private bool SameAsLast()
        {
            if (_historyCount == 0)
                return false;
            int slot = HistorySlot(_historyCount - 1);
            if (_historyLengths[slot] != _length)
                return false;
            for (int i = 0; i < _length; i++)
                if (_history[slot * _capacity + i] != _line[i])
                    return false;
            return true;
        }

        private int HistorySlot(int index) => (_historyNext - _historyCount + index + 2 * _historyCapacity) % _historyCapacity;

        // The row redrawn: \r, the prompt, the part of the line that fits (scrolled so the cursor shows),
        // erase to the end of the row, then the cursor put back by moving right from the row's start.
        private void Refresh()
        {
            int start = 0, length = _length, cursor = _cursor;
            while (_promptLength + cursor >= _columns && cursor > 0)
            {
                start++;
                length--;
                cursor--;
            }
            // The last column stays empty: a terminal erasing the row with the cursor there (wrap pending) would
            // erase the character in it too.
            if (_promptLength + length > _columns - 1)
                length = _columns - 1 - _promptLength < 0 ? 0 : _columns - 1 - _promptLength;
            Emit('\r');
            for (int i = 0; i < _promptLength; i++)
                Emit(_prompt[i]);
            for (int i = 0; i < length; i++)
                Emit(_line[start + i]);
            Emit("\x1b[0K\r");
            int column = _promptLength + cursor;
            if (column > 0)
            {
                Emit("\x1b[");
                EmitNumber(column);
                Emit('C');
            }
        }

        private void EmitNumber(int value)
        {
            if (value >= 10)
                EmitNumber(value / 10);
            Emit((char)('0' + value % 10));
        }

        private void Emit(string text)
        {
            for (int i = 0; i < text.Length; i++)
                Emit(text[i]);
        }

        private void Emit(char c)
        {
            if (_outputLength < _output.Length)
                _output[_outputLength++] = c;
        }
    }
}
