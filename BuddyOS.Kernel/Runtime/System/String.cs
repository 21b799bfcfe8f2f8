// Immutable UTF-16 strings. Literals are frozen objects in the image; everything else is allocated
// on the kernel heap through the same RhpNewArrayFast path as arrays (String has a component size).
using System.Runtime.CompilerServices;
using Internal.Runtime;
using Internal.Runtime.CompilerHelpers;

namespace System
{
    public sealed unsafe class String
    {
        // Field names and order are fixed by the compiler's string layout.
        private int _stringLength;
        private char _firstChar;

        public int Length => _stringLength;

        [IndexerName("Chars")]
        public char this[int index]
        {
            get
            {
                if ((uint)index >= (uint)_stringLength)
                    ThrowHelpers.ThrowIndexOutOfRangeException();
                return Unsafe.Add(ref _firstChar, index);
            }
        }

        public static string Empty => "";

        internal ref char GetRawData() => ref _firstChar;

        internal static string FastAllocate(int length)
        {
            if (length == 0)
                return "";
            // Any literal carries String's MethodTable; the allocator adds the terminator slot itself.
            string literal = "";
            MethodTable* stringType = literal.GetMethodTable();
            return Unsafe.As<string>(Allocator.NewArray(stringType, length));
        }

        internal static string FromChars(char* chars, int length)
        {
            string result = FastAllocate(length);
            if (length != 0)
                SpanHelpers.Memmove(ref Unsafe.As<char, byte>(ref result._firstChar), ref *(byte*)chars, (nuint)length * 2);
            return result;
        }

        internal static string FromChar(char c) => FromChars(&c, 1);

        // The ASCII text at p (NUL-terminated), e.g. the multiboot2 command line.
        internal static string FromAscii(byte* p, int maxLength)
        {
            int length = 0;
            while (length < maxLength && p[length] != 0)
                length++;
            string result = FastAllocate(length);
            for (int i = 0; i < length; i++)
                Unsafe.Add(ref result._firstChar, i) = (char)p[i];
            return result;
        }

        public static string Concat(string a, string b)
        {
            a ??= "";
            b ??= "";
            string result = FastAllocate(a.Length + b.Length);
            CopyInto(result, 0, a);
            CopyInto(result, a.Length, b);
            return result;
        }

        public static string Concat(string a, string b, string c) => Concat(a, b, c, "");

        // One allocation for the result: no intermediate strings to leak (there is no GC).
        public static string Concat(string a, string b, string c, string d)
        {
            a ??= "";
            b ??= "";
            c ??= "";
            d ??= "";
            string result = FastAllocate(a.Length + b.Length + c.Length + d.Length);
            CopyInto(result, 0, a);
            CopyInto(result, a.Length, b);
            CopyInto(result, a.Length + b.Length, c);
            CopyInto(result, a.Length + b.Length + c.Length, d);
            return result;
        }

        public static string Concat(object a, object b) => Concat(a?.ToString(), b?.ToString());

        public static string Concat(object a, object b, object c) => Concat(a?.ToString(), b?.ToString(), c?.ToString());

        private static void CopyInto(string destination, int offset, string source)
        {
            if (source.Length == 0)
                return;
            SpanHelpers.Memmove(
                ref Unsafe.As<char, byte>(ref Unsafe.Add(ref destination._firstChar, offset)),
                ref Unsafe.As<char, byte>(ref source._firstChar),
                (nuint)source.Length * 2);
        }

        public string Substring(int start, int length)
        {
            if (start < 0 || length < 0 || start + length > _stringLength)
                ThrowHelpers.ThrowArgumentOutOfRangeException();
            string result = FastAllocate(length);
            for (int i = 0; i < length; i++)
                Unsafe.Add(ref result._firstChar, i) = Unsafe.Add(ref _firstChar, start + i);
            return result;
        }

        public bool StartsWith(string prefix)
        {
            if (prefix.Length > _stringLength)
                return false;
            for (int i = 0; i < prefix.Length; i++)
                if (this[i] != prefix[i])
                    return false;
            return true;
        }

        public int IndexOf(char c, int start)
        {
            for (int i = start; i < _stringLength; i++)
                if (this[i] == c)
                    return i;
            return -1;
        }

        public static bool Equals(string a, string b)
        {
            if ((object)a == (object)b)
                return true;
            if ((object)a == null || (object)b == null || a._stringLength != b._stringLength)
                return false;
            for (int i = 0; i < a._stringLength; i++)
                if (Unsafe.Add(ref a._firstChar, i) != Unsafe.Add(ref b._firstChar, i))
                    return false;
            return true;
        }

        public static bool operator ==(string a, string b) => Equals(a, b);
        public static bool operator !=(string a, string b) => !Equals(a, b);

        public override bool Equals(object obj) => obj is string s && Equals(this, s);

        public override int GetHashCode()
        {
            int hash = 5381;
            for (int i = 0; i < _stringLength; i++)
                hash = unchecked(hash * 33 + this[i]);
            return hash;
        }

        public override string ToString() => this;
    }
}
