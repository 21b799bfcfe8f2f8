// A fixed ring of bytes between an interrupt handler (the only writer) and the code that reads input
// (the only reader). It lives in a static struct, outside the heap: the writer never allocates, and the
// collector never sees it. When full, new bytes are dropped and counted: a handler must never wait.
namespace BuddyOS.Kernel.Drivers
{
    internal unsafe struct InputRing
    {
        public const int Capacity = 256;    // a power of two: indices wrap with a mask

        private fixed byte _data[Capacity];
        private uint _head;                 // next write (the handler's)
        private uint _tail;                 // next read (the reader's)
        private ulong _dropped;

        public ulong Dropped => _dropped;
        public bool IsEmpty => _head == _tail;

        // In the handler, with interrupts off.
        public void Put(byte value)
        {
            if (_head - _tail == Capacity)
            {
                _dropped++;
                return;
            }
            _data[_head & (Capacity - 1)] = value;
            _head++;
        }

        // By the reader, with interrupts off around it (Interrupts/Irq.Disable), so a handler cannot run halfway.
        public bool TryTake(out byte value)
        {
            if (_head == _tail)
            {
                value = 0;
                return false;
            }
            value = _data[_tail & (Capacity - 1)];
            _tail++;
            return true;
        }
    }
}
