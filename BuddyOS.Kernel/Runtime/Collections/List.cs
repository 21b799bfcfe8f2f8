// A growable list. An outgrown backing array is left to the collector, like the list itself.
using System.Runtime.CompilerServices;
using Internal.Runtime.CompilerHelpers;

namespace System.Collections.Generic
{
    public class List<T>
    {
        private const int DefaultCapacity = 4;

        private T[] _items;
        private int _size;

        public List() { }

        public List(int capacity)
        {
            if (capacity < 0)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            if (capacity > 0)
                _items = new T[capacity];
        }

        public int Count => _size;

        public int Capacity => _items == null ? 0 : _items.Length;

        // The backing array, for tests that check where it lives.
        internal T[] Buffer => _items;

        public T this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_size)
                    ThrowHelpers.ThrowArgumentOutOfRangeException();
                return _items[index];
            }
            set
            {
                if ((uint)index >= (uint)_size)
                    ThrowHelpers.ThrowArgumentOutOfRangeException();
                _items[index] = value;
            }
        }

        public void Add(T item)
        {
            if (_items == null || _size == _items.Length)
                Grow();
            _items[_size++] = item;
        }

        public void Clear()
        {
            if (_items != null)
                SpanHelpers.Fill(ref Unsafe.As<T, byte>(ref _items[0]), 0, (nuint)_size * (nuint)Unsafe.SizeOf<T>());
            _size = 0;
        }

        private void Grow()
        {
            int capacity = _items == null ? DefaultCapacity : checked(_items.Length * 2);
            T[] bigger = new T[capacity];
            T[] old = _items;
            if (old != null)
            {
                // The collector stops the world and needs no write barrier, so references move as plain bytes.
                SpanHelpers.Memmove(ref Unsafe.As<T, byte>(ref bigger[0]), ref Unsafe.As<T, byte>(ref old[0]),
                    (nuint)_size * (nuint)Unsafe.SizeOf<T>());
            }
            _items = bigger;
        }

        public Enumerator GetEnumerator() => new Enumerator(this);

        public struct Enumerator
        {
            private readonly List<T> _list;
            private int _index;

            internal Enumerator(List<T> list)
            {
                _list = list;
                _index = -1;
            }

            public bool MoveNext() => ++_index < _list._size;

            public T Current => _list._items[_index];
        }
    }
}
