// The text written on the output's current row so far (its first Capacity characters): what a line editor
// started there must redraw as its prompt. Fixed storage, so it works before the heap exists. Pure.
namespace BuddyOS.Kernel.Terminal
{
    internal unsafe struct RowText
    {
        public const int Capacity = 64;

        public fixed char Text[Capacity];
        private int _length;
        private byte _escape;   // 1 after ESC, 2 inside ESC [ ...: escape sequences take no room on the row

        public int Length => _length < Capacity ? _length : Capacity;

        public void Write(char c)
        {
            if (_escape != 0)
            {
                if (_escape == 1 && c == '[')
                    _escape = 2;
                else if (_escape == 2 && (c < '@' || c > '~'))
                    return;                  // a parameter byte
                else
                {
                    if (c == 'H')
                        _length = 0;         // cursor home: a new row
                    _escape = 0;
                }
                return;
            }
            if (c == (char)0x1B)
                _escape = 1;
            else if (c == '\n' || c == '\r')
                _length = 0;
            else if (c == '\b')
            {
                if (_length > 0)
                    _length--;
            }
            else if (c >= ' ' && c < (char)127)
            {
                if (_length < Capacity)
                    Text[_length] = c;
                _length++;
            }
        }
    }
}
