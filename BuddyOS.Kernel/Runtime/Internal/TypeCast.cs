// Casts and array stores, exported under the symbol names ilc calls. Supported: exact class
// hierarchy walks, interfaces listed in the type's interface map, and exact array types.
// Not supported: generic variance (IEnumerable<object> from List<string>) and array covariance checks
// beyond "same element type or an assignable class".
using System;
using Internal.Runtime;
using System.Runtime.CompilerServices;
using Internal.Runtime.CompilerHelpers;

namespace System.Runtime
{
    internal static unsafe class TypeCast
    {
        [RuntimeExport("RhTypeCast_IsInstanceOfClass")]
        public static object IsInstanceOfClass(MethodTable* targetType, object obj)
        {
            if (obj == null)
                return null;
            for (MethodTable* type = obj.GetMethodTable(); type != null; type = type->BaseType)
                if (type == targetType)
                    return obj;
            return null;
        }

        [RuntimeExport("RhTypeCast_IsInstanceOfInterface")]
        public static object IsInstanceOfInterface(MethodTable* targetType, object obj)
        {
            if (obj == null)
                return null;
            return obj.GetMethodTable()->ImplementsInterface(targetType) ? obj : null;
        }

        [RuntimeExport("RhTypeCast_IsInstanceOfAny")]
        public static object IsInstanceOfAny(MethodTable* targetType, object obj)
        {
            if (obj == null)
                return null;
            if (targetType->IsInterface)
                return IsInstanceOfInterface(targetType, obj);
            if (obj.GetMethodTable() == targetType)
                return obj;
            return targetType->IsArray ? null : IsInstanceOfClass(targetType, obj);
        }

        [RuntimeExport("RhTypeCast_IsInstanceOfException")]
        public static bool IsInstanceOfException(MethodTable* targetType, object obj) => IsInstanceOfClass(targetType, obj) != null;

        [RuntimeExport("RhTypeCast_CheckCastAny")]
        public static object CheckCastAny(MethodTable* targetType, object obj) => Checked(IsInstanceOfAny(targetType, obj), obj);

        [RuntimeExport("RhTypeCast_CheckCastInterface")]
        public static object CheckCastInterface(MethodTable* targetType, object obj) => Checked(IsInstanceOfInterface(targetType, obj), obj);

        [RuntimeExport("RhTypeCast_CheckCastClass")]
        public static object CheckCastClass(MethodTable* targetType, object obj) => Checked(IsInstanceOfClass(targetType, obj), obj);

        [RuntimeExport("RhTypeCast_CheckCastClassSpecial")]
        public static object CheckCastClassSpecial(MethodTable* targetType, object obj) => Checked(IsInstanceOfClass(targetType, obj), obj);

        // A cast of null always succeeds; anything else that did not match is an InvalidCastException.
        private static object Checked(object result, object original)
        {
            if (result == null && original != null)
                ThrowHelpers.ThrowInvalidCastException();
            return result;
        }

        [RuntimeExport("RhpStelemRef")]
        public static void StelemRef(object[] array, nint index, object obj)
        {
            if ((nuint)index >= (nuint)array.Length)
                ThrowHelpers.ThrowIndexOutOfRangeException();
            ref object element = ref Unsafe.As<byte, object>(ref Unsafe.AddByteOffset(ref array.GetRawArrayData(), (nuint)index * (nuint)sizeof(nint)));
            if (obj != null)
            {
                MethodTable* elementType = array.GetMethodTable()->ElementTypeHandle;
                if (obj.GetMethodTable() != elementType && IsInstanceOfAny(elementType, obj) == null)
                    ThrowHelpers.ThrowArrayTypeMismatchException();
            }
            element = obj;
        }

        [RuntimeExport("RhpLdelemaRef")]
        public static ref object LdelemaRef(object[] array, nint index, IntPtr elementType)
        {
            if ((nuint)index >= (nuint)array.Length)
                ThrowHelpers.ThrowIndexOutOfRangeException();
            if ((MethodTable*)elementType != array.GetMethodTable()->ElementTypeHandle)
                ThrowHelpers.ThrowArrayTypeMismatchException();
            return ref Unsafe.As<byte, object>(ref Unsafe.AddByteOffset(ref array.GetRawArrayData(), (nuint)index * (nuint)sizeof(nint)));
        }
    }
}
