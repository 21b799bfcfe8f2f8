// Arrays: [MethodTable*][int length][pad] then the elements, 16 bytes in (see RawArrayData).
using System.Runtime.CompilerServices;

namespace System
{
    public abstract class Array
    {
        private int _numComponents;

        public int Length => _numComponents;
    }

    // The compiler's base for T[]; nothing beyond Array is implemented (no IList<T> on arrays).
    public class Array<T> : Array { }

    // Layout overlay used to reach an array's first element.
    internal class RawArrayData
    {
        public uint Length;
        public uint Padding;
        public byte Data;
    }

    internal static class ArrayExtensions
    {
        internal static ref byte GetRawArrayData(this Array array) => ref Unsafe.As<RawArrayData>(array).Data;
    }
}
