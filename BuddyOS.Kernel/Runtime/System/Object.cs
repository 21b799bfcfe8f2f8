// The root of the type system. Every object starts with its MethodTable pointer; the 8-byte
// object header the real runtime keeps just before it is never touched here (no locks, no hashes).
using Internal.Runtime;

namespace System
{
    public unsafe class Object
    {
        // Written by the allocator (RhpNewFast & co.), read by casts, dispatch and the panic printer.
        internal MethodTable* m_pMethodTable;

        public Object() { }

        internal MethodTable* GetMethodTable() => m_pMethodTable;

        public virtual bool Equals(object obj) => (object)this == obj;

        public virtual int GetHashCode()
        {
            object self = this;
            return (int)(nint)Runtime.CompilerServices.Unsafe.As<object, nint>(ref self);
        }

        public virtual string ToString() => "System.Object";
    }

    public abstract class ValueType { }

    public abstract class Enum : ValueType { }

    public struct Void { }

    public struct Nullable<T> where T : struct
    {
        private readonly bool hasValue;
        internal T value;

        public Nullable(T value)
        {
            this.value = value;
            hasValue = true;
        }

        public bool HasValue => hasValue;

        public T Value
        {
            get
            {
                if (!hasValue)
                    Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowInvalidOperationException("Nullable object must have a value.");
                return value;
            }
        }

        public T GetValueOrDefault() => value;

        public static implicit operator T?(T value) => new T?(value);

        public static explicit operator T(T? value) => value.Value;
    }

    public struct RuntimeTypeHandle { private IntPtr _value; }
    public struct RuntimeMethodHandle { private IntPtr _value; }
    public struct RuntimeFieldHandle { private IntPtr _value; }

    public interface IDisposable
    {
        void Dispose();
    }
}
