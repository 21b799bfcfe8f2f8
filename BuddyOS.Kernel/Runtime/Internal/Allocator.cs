// Where `new` meets the heap. ilc compiles `new T()` to RhpNewFast, `new T[n]` to RhpNewArrayFast
// (RhpNewPtrArrayFast for arrays of references). Every object comes zeroed from the kernel heap as an object
// block (KernelHeap.AllocateObject), which the collector frees once nothing references it.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using BuddyOS.Kernel;

namespace Internal.Runtime
{
    internal static unsafe class Allocator
    {
        [RuntimeExport("RhpNewFast")]
        internal static object NewObject(MethodTable* type)
        {
            byte* memory = KernelHeap.AllocateObject(type->BaseSize);
            *(MethodTable**)memory = type;
            return AsObject(memory);
        }

        [RuntimeExport("RhpNewFinalizable")]
        internal static object NewFinalizable(MethodTable* type) => NewObject(type);   // finalizers never run

        [RuntimeExport("RhpNewArrayFast")]
        internal static object NewArray(MethodTable* type, int length)
        {
            if (length < 0)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            // BaseSize covers header, MethodTable*, length (and a string's terminator); round to 8.
            ulong size = type->BaseSize + (ulong)type->ComponentSize * (ulong)length;
            size = (size + 7) & ~7UL;
            if (size > uint.MaxValue)
                Internal.Runtime.CompilerHelpers.ThrowHelpers.ThrowOverflowException();
            byte* memory = KernelHeap.AllocateObject((nuint)size);
            *(MethodTable**)memory = type;
            *(int*)(memory + sizeof(nint)) = length;
            return AsObject(memory);
        }

        [RuntimeExport("RhpNewPtrArrayFast")]
        internal static object NewPointerArray(MethodTable* type, int length) => NewArray(type, length);

        [RuntimeExport("RhNewObject")]
        internal static object RhNewObject(MethodTable* type) => NewObject(type);

        [RuntimeExport("RhNewArray")]
        internal static object RhNewArray(MethodTable* type, int length) => NewArray(type, length);

        internal static object AsObject(void* memory) => Unsafe.As<IntPtr, object>(ref *(IntPtr*)&memory);

        internal static void* AddressOf(object obj) => *(void**)Unsafe.AsPointer(ref obj);
    }
}
