// Where `new` meets the heap: the allocation entry points the generated code and CoreLib call. Every object,
// array and string comes zeroed from the kernel heap as an object block (KernelHeap.AllocateObject), which the
// collector frees once nothing references it. Sizes follow NativeAOT: BaseSize (header word, MethodTable
// pointer, fields, a string's terminator) plus length * ComponentSize, rounded up to 8. The header word is the
// block's first 8 bytes; the object reference points at the MethodTable pointer after it (ObjectLayout).
using System;
using System.Runtime;
using System.Runtime.CompilerServices;
using BuddyOS.Kernel.GarbageCollection;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class Allocation
    {
        // The largest array or string .NET allows (Array.MaxLength); longer is an OutOfMemoryException in .NET.
        private const uint MaxLength = 0x7FFFFFC7;

        [RuntimeExport("RhpNewFast")]
        internal static object NewObject(MethodTable* type)
        {
            byte* memory = ObjectLayout.ObjectOf(KernelHeap.AllocateObject(type->BaseSize));
            *(MethodTable**)memory = type;
            return AsObject(memory);
        }

        // An object whose type has a finalizer: registered, so that the collector finds it when it dies.
        [RuntimeExport("RhpNewFinalizable")]
        internal static object NewFinalizable(MethodTable* type)
        {
            object obj = NewObject(type);
            Finalization.Register(obj);
            return obj;
        }

        [RuntimeExport("RhpNewArrayFast")]
        internal static object NewArray(MethodTable* type, int length)
        {
            if ((uint)length > MaxLength)
                ThrowBadLength(length);
            ulong size = type->BaseSize + (ulong)type->ComponentSize * (uint)length;
            size = (size + 7) & ~7UL;
            byte* memory = ObjectLayout.ObjectOf(KernelHeap.AllocateObject((nuint)size));
            *(MethodTable**)memory = type;
            *(int*)(memory + sizeof(nint)) = length;
            return AsObject(memory);
        }

        [RuntimeExport("RhpNewPtrArrayFast")]
        internal static object NewPointerArray(MethodTable* type, int length) => NewArray(type, length);

        [RuntimeExport("RhNewString")]
        internal static object NewString(MethodTable* type, nint length)
        {
            if ((nuint)length > MaxLength)
                ThrowBadLength(length);
            return NewArray(type, (int)length);
        }

        // CoreLib's slow paths (RuntimeImports.RhAllocateNewObject/Array): flags ask for pinned or
        // uninitialised memory, which a non-moving heap that always zeroes gives anyway.
        [RuntimeExport("RhAllocateNewObject")]
        private static void AllocateNewObject(MethodTable* type, uint flags, object* result) =>
            *result = type->IsFinalizable ? NewFinalizable(type) : NewObject(type);

        [RuntimeExport("RhAllocateNewArray")]
        private static void AllocateNewArray(MethodTable* type, uint length, uint flags, object* result) =>
            *result = NewArray(type, length > MaxLength ? -1 : (int)length);

        [RuntimeExport("RhpGcSafeZeroMemory")]
        private static byte* GcSafeZeroMemory(byte* memory, nuint bytes)
        {
            Libc.ZeroMemory(memory, bytes);
            return memory;
        }

        // .NET throws OverflowException for a negative length and OutOfMemoryException for one above MaxLength.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowBadLength(long length)
        {
            if (length < 0)
                throw new OverflowException($"Arithmetic operation resulted in an overflow: array length {length}.");
            throw new OutOfMemoryException($"Array dimensions exceeded supported range: length {length}.");
        }

        internal static object AsObject(void* memory) => Unsafe.As<IntPtr, object>(ref *(IntPtr*)&memory);

        internal static void* AddressOf(object obj) => *(void**)Unsafe.AsPointer(ref obj);
    }
}
