// Keys decoded but not yet read: a fixed ring (no heap), so a command that polls for Ctrl-C while it runs can
// decode what was typed meanwhile and keep it for the next line. A full queue drops the newest key.
namespace BuddyOS.Kernel.Terminal
{
    internal unsafe struct KeyQueue
    {
        public const int Capacity = 64;   // a power of two

        private fixed uint _keys[Capacity];   // TerminalKey | char << 8 | control << 24
        private uint _head, _tail;

        public bool IsEmpty => _head == _tail;
        public int Count => (int)(_head - _tail);

        public bool TryAdd(KeyEvent key)
        {
            if (_head - _tail == Capacity)
                return false;
            _keys[_head & (Capacity - 1)] = (uint)key.Key | (uint)key.Char << 8 | (key.Control ? 1u << 24 : 0u);
            _head++;
            return true;
        }

        public bool TryTake(out KeyEvent key)
        {
            if (_head == _tail)
            {
                key = default;
                return false;
            }
            uint k = _keys[_tail & (Capacity - 1)];
            _tail++;
            key = new KeyEvent((TerminalKey)(k & 0xFF), (char)((k >> 8) & 0xFFFF), (k >> 24) != 0);
            return true;
        }

        public void Clear() => _tail = _head;
    }
}
