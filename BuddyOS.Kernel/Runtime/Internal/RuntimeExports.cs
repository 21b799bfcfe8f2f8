// Boxing and unboxing, under the symbol names ilc calls. A box is an object whose payload is the
// value's bytes; it comes from the kernel heap like any other object.
using System;
using Internal.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime
{
    internal static unsafe class RuntimeExports
    {
        [RuntimeExport("RhBox")]
        public static object RhBox(MethodTable* type, ref byte data)
        {
            if (type->IsNullable)
                ThrowHelpers.ThrowNotSupported("boxing Nullable<T>");
            object box = Allocator.NewObject(type);
            SpanHelpers.Memmove(ref PayloadOf(box), ref data, type->ValueTypeSize);
            return box;
        }

        [RuntimeExport("RhUnbox2")]
        public static ref byte RhUnbox2(MethodTable* type, object obj)
        {
            if (obj == null || obj.GetMethodTable() != type)
                ThrowHelpers.ThrowInvalidCastException();
            return ref PayloadOf(obj);
        }

        [RuntimeExport("RhUnboxNullable")]
        public static void RhUnboxNullable(ref byte data, MethodTable* type, object obj)
        {
            ThrowHelpers.ThrowNotSupported("unboxing to Nullable<T>");
        }

        [RuntimeExport("RhUnboxTypeTest")]
        public static void RhUnboxTypeTest(MethodTable* type, MethodTable* boxType)
        {
            if (type != boxType)
                ThrowHelpers.ThrowInvalidCastException();
        }

        // The payload starts right after the MethodTable pointer.
        private static ref byte PayloadOf(object obj) => ref Unsafe.As<RawData>(obj).Data;

        private sealed class RawData
        {
            public byte Data;
        }
    }
}
