// Module initialisation that the real runtime does before Main: give every reference-typed static
// storage ("GC static base") a heap object. Without this, static object fields read garbage.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace Internal.Runtime.CompilerHelpers
{
    internal static unsafe class StartupCodeHelpers
    {
        private const uint ReadyToRunSignature = 0x00525452;   // "RTR"
        internal const int GCStaticRegionSection = 201;
        internal const int FrozenObjectRegionSection = 206;
        private const nint Uninitialized = 1;
        private const nint HasPreinitializedData = 2;
        private const nint FlagsMask = 3;

        private struct ReadyToRunHeader
        {
            public uint Signature;
            public ushort MajorVersion;
            public ushort MinorVersion;
            public uint Flags;
            public ushort NumberOfSections;
            public byte EntrySize;
            public byte EntryType;
        }

        private struct ModuleSection
        {
            public int SectionId;
            public int Flags;
            public byte* Start;
            public byte* End;
        }

        [RuntimeImport("BuddyOS_ModulesStart")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern ReadyToRunHeader** ModulesStart();

        [RuntimeImport("BuddyOS_ModulesEnd")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern ReadyToRunHeader** ModulesEnd();

        // Must run after the heap is up and before any code touches a static of reference type.
        // Returns the number of static bases created, for the boot report.
        internal static int InitializeModules()
        {
            int created = 0;
            for (ReadyToRunHeader** module = ModulesStart(); module < ModulesEnd(); module++)
            {
                ModuleSection* section = FindSection(*module, GCStaticRegionSection);
                if (section != null)
                    created += InitializeGCStatics(section->Start, section->End);
            }
            return created;
        }

        // The bounds of section `id` of the first module that has one (the kernel is one module), for the
        // collector's roots: 201 = GC static region, 206 = frozen objects. False when no module has it.
        internal static bool TryGetSection(int id, out byte* start, out byte* end)
        {
            for (ReadyToRunHeader** module = ModulesStart(); module < ModulesEnd(); module++)
            {
                ModuleSection* section = FindSection(*module, id);
                if (section != null)
                {
                    start = section->Start;
                    end = section->End;
                    return true;
                }
            }
            start = end = null;
            return false;
        }

        private static ModuleSection* FindSection(ReadyToRunHeader* header, int id)
        {
            if (header->Signature != ReadyToRunSignature)
                BuddyOS.Kernel.Panic.Fail("module header has no RTR signature", (ulong)header);
            byte* sections = (byte*)(header + 1);
            for (int i = 0; i < header->NumberOfSections; i++)
            {
                ModuleSection* section = (ModuleSection*)(sections + i * header->EntrySize);
                if (section->SectionId == id)
                    return section;
            }
            return null;
        }

        // The region is an array of 32-bit relative pointers to blocks. A block starts with a relative
        // pointer to the static base's MethodTable (low bits = flags), optionally followed by a relative
        // pointer to preinitialised field data. The block is then overwritten with the object pointer.
        private static int InitializeGCStatics(byte* start, byte* end)
        {
            int created = 0;
            for (int* entry = (int*)start; entry < (int*)end; entry++)
            {
                nint* block = (nint*)((byte*)entry + *entry);
                nint value = (nint)((byte*)block + *(int*)block);
                if ((value & Uninitialized) == 0)
                    continue;
                MethodTable* type = (MethodTable*)(value & ~FlagsMask);
                object staticBase = Allocator.NewObject(type);
                if ((value & HasPreinitializedData) != 0)
                {
                    int* dataRelative = (int*)block + 1;
                    byte* data = (byte*)dataRelative + *dataRelative;
                    // Fields start after the MethodTable pointer; BaseSize also counts that and the header.
                    nuint fieldBytes = type->BaseSize - (nuint)(2 * sizeof(nint));
                    SpanHelpers.Memmove(ref *((byte*)Allocator.AddressOf(staticBase) + sizeof(nint)), ref *data, fieldBytes);
                }
                *block = (nint)Allocator.AddressOf(staticBase);
                created++;
            }
            return created;
        }
    }
}
