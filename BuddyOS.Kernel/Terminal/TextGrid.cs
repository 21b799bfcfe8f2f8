// A text screen as a grid of cells, each a character and a VGA attribute in one ushort (the VGA text buffer's
// own format), with the part of a VT100 terminal the kernel's output and the line editor use:
//   \n new line (column 0, as the kernel's output means it), \r column 0, \b one cell left (up to the end of
//   the row above at column 0, so an editor's backspace crosses a wrapped row), and after ESC [ with up to
//   two numbers: K erase in line (0 to its end, 2 all), J erase in display (0 to its end, 2 all),
//   H / f cursor to row;column (from 1), A B C D cursor up/down/right/left, m ignored (colours are set through
//   Attribute); any other sequence is swallowed.
// Writing in the last column leaves the cursor there with a wrap pending (as xterm does), so a row written
// full and followed by \r stays on its row. The bottom row scrolls the grid up.
// For a backend that draws the cells itself (the framebuffer console) the grid records what changed since it
// last asked: a range of cells and how many rows scrolled. Pure: no I/O, no statics; the cells are the
// caller's (0xB8000 for VGA text, a buffer for the framebuffer).
namespace BuddyOS.Kernel.Terminal
{
    internal unsafe struct TextGrid
    {
        private const int MaxParameters = 2;

        private ushort* _cells;
        private int _columns, _rows;
        private int _row, _column;
        private bool _wrapPending;
        private byte _attribute;
        private readonly byte _blank;          // the attribute of erased cells: the screen's normal colours
        private byte _escape;            // 0 none, 1 after ESC, 2 inside ESC [
        private int _parameterCount;
        private fixed int _parameters[MaxParameters];
        private int _dirtyFirst, _dirtyLast;   // changed cells since TakeChanges, inclusive; first > last: none
        private int _scrolled;                 // rows scrolled since TakeChanges

        public TextGrid(ushort* cells, int columns, int rows, byte attribute)
        {
            _cells = cells;
            _columns = columns;
            _rows = rows;
            _row = 0;
            _column = 0;
            _wrapPending = false;
            _attribute = attribute;
            _blank = attribute;
            _escape = 0;
            _parameterCount = 0;
            _dirtyFirst = int.MaxValue;
            _dirtyLast = -1;
            _scrolled = 0;
        }

        public int Columns => _columns;
        public int Rows => _rows;
        public int Row => _row;
        public int Column => _column;
        public byte Attribute { get => _attribute; set => _attribute = value; }
        public bool IsReady => _cells != null;

        public ushort Cell(int row, int column) => _cells[row * _columns + column];
        public char CharAt(int row, int column) => (char)(_cells[row * _columns + column] & 0xFF);

        // What changed since the last call: the cells first..last (after the scrolling) and the rows scrolled.
        public bool TakeChanges(out int first, out int last, out int scrolled)
        {
            first = _dirtyFirst;
            last = _dirtyLast;
            scrolled = _scrolled;
            bool any = _dirtyFirst <= _dirtyLast || _scrolled > 0;
            _dirtyFirst = int.MaxValue;
            _dirtyLast = -1;
            _scrolled = 0;
            return any;
        }

        public void Clear()
        {
            Erase(0, _columns * _rows);
            _row = 0;
            _column = 0;
            _wrapPending = false;
            _escape = 0;
        }

        public void Write(char c)
        {
            if (_escape != 0)
            {
                Escape(c);
                return;
            }
            switch (c)
            {
                case '\n':
                    NewLine();
                    return;
                case '\r':
                    _column = 0;
                    _wrapPending = false;
                    return;
                case '\b':
                    if (_wrapPending)
                        _wrapPending = false;
                    else if (_column > 0)
                        _column--;
                    else if (_row > 0)
                    {
                        _row--;
                        _column = _columns - 1;
                    }
                    return;
                case (char)0x1B:
                    _escape = 1;
                    return;
            }
            if (c < ' ')
                return;   // other control characters draw nothing
            if (_wrapPending)
            {
                NewLine();
            }
            int index = _row * _columns + _column;
            _cells[index] = (ushort)((c < (char)127 ? c : '?') | (_attribute << 8));
            MarkDirty(index, index);
            if (_column == _columns - 1)
                _wrapPending = true;
            else
                _column++;
        }

        private void Escape(char c)
        {
            if (_escape == 1)
            {
                if (c == '[')
                {
                    _escape = 2;
                    _parameterCount = 0;
                    _parameters[0] = 0;
                    _parameters[1] = 0;
                }
                else
                    _escape = 0;   // ESC x: not a sequence of ours
                return;
            }
            if (c >= '0' && c <= '9')
            {
                if (_parameterCount == 0)
                    _parameterCount = 1;
                int p = _parameterCount - 1;
                if (p < MaxParameters && _parameters[p] < 10000)
                    _parameters[p] = _parameters[p] * 10 + (c - '0');
                return;
            }
            if (c == ';')
            {
                if (_parameterCount == 0)
                    _parameterCount = 1;
                _parameterCount++;
                return;
            }
            if (c == '?')
                return;   // private marker: ignored (its sequence then does what the plain one does)
            _escape = 0;
            int first = _parameters[0];
            int count = first == 0 ? 1 : first;
            switch (c)
            {
                case 'K':
                    int rowStart = _row * _columns;
                    if (first == 2) Erase(rowStart, _columns);
                    else if (first == 1) Erase(rowStart, _column + 1);
                    else Erase(rowStart + _column, _columns - _column);
                    break;
                case 'J':
                    if (first == 2 || first == 3) Erase(0, _columns * _rows);
                    else if (first == 1) Erase(0, _row * _columns + _column + 1);
                    else Erase(_row * _columns + _column, _columns * _rows - (_row * _columns + _column));
                    break;
                case 'H':
                case 'f':
                    MoveTo(first == 0 ? 0 : first - 1, _parameters[1] == 0 ? 0 : _parameters[1] - 1);
                    break;
                case 'A': MoveTo(_row - count, _column); break;
                case 'B': MoveTo(_row + count, _column); break;
                case 'C': MoveTo(_row, _column + count); break;
                case 'D': MoveTo(_row, _column - count); break;
            }
        }

        private void MoveTo(int row, int column)
        {
            _row = row < 0 ? 0 : row >= _rows ? _rows - 1 : row;
            _column = column < 0 ? 0 : column >= _columns ? _columns - 1 : column;
            _wrapPending = false;
        }

        private void NewLine()
        {
            _column = 0;
            _wrapPending = false;
            if (++_row < _rows)
                return;
            int last = _columns * (_rows - 1);
            for (int i = 0; i < last; i++)
                _cells[i] = _cells[i + _columns];
            _row = _rows - 1;
            _scrolled++;
            // Cells marked before the scroll moved up a row with it.
            if (_dirtyFirst <= _dirtyLast)
            {
                _dirtyFirst = _dirtyFirst >= _columns ? _dirtyFirst - _columns : 0;
                _dirtyLast = _dirtyLast >= _columns ? _dirtyLast - _columns : -1;
                if (_dirtyLast < _dirtyFirst)
                {
                    _dirtyFirst = int.MaxValue;
                    _dirtyLast = -1;
                }
            }
            Erase(last, _columns);
        }

        private void Erase(int from, int count)
        {
            if (count <= 0)
                return;
            ushort blank = (ushort)(' ' | (_blank << 8));
            for (int i = from; i < from + count; i++)
                _cells[i] = blank;
            MarkDirty(from, from + count - 1);
        }

        private void MarkDirty(int first, int last)
        {
            if (first < _dirtyFirst) _dirtyFirst = first;
            if (last > _dirtyLast) _dirtyLast = last;
        }
    }
}
