// The primitive value types. Only what the kernel uses: formatting to decimal text.
namespace System
{
    public struct Boolean
    {
        private bool m_value;
        public override string ToString() => m_value ? "True" : "False";
    }

    public struct Char
    {
        private char m_value;
        public override string ToString() => string.FromChar(m_value);
    }

    public struct SByte { public const sbyte MaxValue = 127; public const sbyte MinValue = -128; private sbyte m_value; public override string ToString() => Number.Format(m_value); }
    public struct Byte { public const byte MaxValue = 255; public const byte MinValue = 0; private byte m_value; public override string ToString() => Number.Format((ulong)m_value); }
    public struct Int16 { public const short MaxValue = 32767; public const short MinValue = -32768; private short m_value; public override string ToString() => Number.Format(m_value); }
    public struct UInt16 { public const ushort MaxValue = 65535; public const ushort MinValue = 0; private ushort m_value; public override string ToString() => Number.Format((ulong)m_value); }
    public struct Int32 { public const int MaxValue = 0x7FFFFFFF; public const int MinValue = unchecked((int)0x80000000); private int m_value; public override string ToString() => Number.Format(m_value); }
    public struct UInt32 { public const uint MaxValue = 0xFFFFFFFF; public const uint MinValue = 0; private uint m_value; public override string ToString() => Number.Format((ulong)m_value); }
    public struct Int64 { public const long MaxValue = 0x7FFFFFFFFFFFFFFF; public const long MinValue = unchecked((long)0x8000000000000000); private long m_value; public override string ToString() => Number.Format(m_value); }
    public struct UInt64 { public const ulong MaxValue = 0xFFFFFFFFFFFFFFFF; public const ulong MinValue = 0; private ulong m_value; public override string ToString() => Number.Format(m_value); }

    public unsafe struct IntPtr
    {
        private void* _value;
        public static nint MaxValue => unchecked((nint)0x7FFFFFFFFFFFFFFF);
        public static nint MinValue => unchecked((nint)0x8000000000000000);
        public static nint Zero => 0;
        public static int Size => sizeof(nint);
        public override string ToString() => Number.Format((long)_value);
    }

    public unsafe struct UIntPtr
    {
        private void* _value;
        public static nuint MaxValue => unchecked((nuint)0xFFFFFFFFFFFFFFFF);
        public static nuint MinValue => 0;
        public static nuint Zero => 0;
        public static int Size => sizeof(nuint);
        public override string ToString() => Number.Format((ulong)_value);
    }

    // Floating point exists for the language; the kernel never formats or converts it.
    public struct Single { private float m_value; }
    public struct Double { private double m_value; }
}
