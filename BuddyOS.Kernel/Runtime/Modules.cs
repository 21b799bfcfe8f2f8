// The module the image is, as CoreLib asks about it. ilc emits one ReadyToRunHeader ("RTR") for the whole
// image (kernel, CoreLib and the framework compile into one module), reached through the `__modules` section.
// Its sections: 201 GC statics (CoreLib allocates a static base per type at start-up), 206 frozen objects,
// 300+ reflection blobs, and the tables CoreLib reads itself. The type manager CoreLib keeps is ours:
// { OS module handle, header } is the layout CoreLib's TypeManagerHandle reads.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class Modules
    {
        private const uint ReadyToRunSignature = 0x00525452;   // "RTR"
        public const int GCStaticRegionSection = 201;
        public const int FrozenObjectRegionSection = 206;
        private const int ReadonlyBlobRegionStart = 300;       // reflection metadata blob n is section 300 + n

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

        private struct TypeManager
        {
            public nint OsModule;
            public ReadyToRunHeader* Header;
            public nint* ClasslibFunctions;
            public int ClasslibFunctionCount;
        }

        private static TypeManager s_module;      // the one module; OsModule == 0 until CoreLib creates it

        [RuntimeImport("BuddyOS_ModulesStart")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern ReadyToRunHeader** ModulesStart();

        [RuntimeImport("BuddyOS_ModulesEnd")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern ReadyToRunHeader** ModulesEnd();

        [RuntimeImport("BuddyOS_ImageBase")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern byte* ImageBase();

        [RuntimeImport("BuddyOS_ImageEnd")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern byte* ImageEnd();

        public static int Count => (int)(ModulesEnd() - ModulesStart());

        public static void* Headers => ModulesStart();

        [RuntimeExport("RhpRegisterOsModule")]
        private static nint RegisterOsModule(nint osModule) => osModule;

        [RuntimeExport("RhpCreateTypeManager")]
        private static TypeManager* CreateTypeManager(nint osModule, ReadyToRunHeader* header, nint* classlibFunctions, int count)
        {
            if (header->Signature != ReadyToRunSignature)
                Panic.Fail("runtime: a module header without the RTR signature, at", (ulong)header);
            if (s_module.OsModule != 0)
                Panic.Fail("runtime: a second module (the kernel image is one module); header at", (ulong)header);
            s_module.OsModule = osModule;
            s_module.Header = header;
            s_module.ClasslibFunctions = classlibFunctions;
            s_module.ClasslibFunctionCount = count;
            fixed (TypeManager* module = &s_module)
                return module;
        }

        // CoreLib passes the TypeManagerHandle by reference.
        [RuntimeExport("RhpGetModuleSection")]
        private static byte* GetModuleSection(TypeManager** handle, int id, int* length)
        {
            ModuleSection* section = FindSection((*handle)->Header, id);
            *length = section == null ? 0 : (int)(section->End - section->Start);
            return section == null ? null : section->Start;
        }

        [RuntimeExport("RhFindBlob")]
        private static byte FindBlob(TypeManager** handle, uint blobId, byte** blob, uint* size)
        {
            int length;
            byte* start = GetModuleSection(handle, ReadonlyBlobRegionStart + (int)blobId, &length);
            *blob = start;
            *size = (uint)length;
            return start != null ? (byte)1 : (byte)0;
        }

        // The OS module handle is the image's load address; stack traces print offsets from it.
        [RuntimeExport("RhGetOSModuleFromPointer")]
        private static nint GetOSModuleFromPointer(byte* pointer) =>
            pointer >= ImageBase() && pointer < ImageEnd() ? (nint)ImageBase() : 0;

        [RuntimeExport("RhGetModuleFileName")]
        private static int GetModuleFileName(nint module, byte** name)
        {
            System.ReadOnlySpan<byte> fileName = "kernel.elf"u8;   // image data: it never moves
            fixed (byte* p = fileName)
                *name = p;
            return fileName.Length;
        }

        // No runtime configuration knobs: CoreLib then uses its defaults (and the ilc --runtimeknob values).
        [RuntimeExport("RhGetKnobValues")]
        private static uint GetKnobValues(byte*** keys, byte*** values)
        {
            *keys = null;
            *values = null;
            return 0;
        }

        [RuntimeExport("RhGetRuntimeVersion")]
        private static byte* GetRuntimeVersion(int* length)
        {
            *length = 0;
            return null;
        }

        // The classlib table CoreLib handed RhpCreateTypeManager (Boot/runtime.asm's classlib_functions).
        [RuntimeExport("RhpGetClasslibFunctionFromCodeAddress")]
        private static nint ClasslibFunctionFromCodeAddress(nint address, int id) => ClasslibFunction(id);

        [RuntimeExport("RhpGetClasslibFunctionFromEEType")]
        private static nint ClasslibFunctionFromType(MethodTable* type, int id) => ClasslibFunction(id);

        public static nint ClasslibFunction(int id) =>
            s_module.ClasslibFunctions != null && (uint)id < (uint)s_module.ClasslibFunctionCount ? s_module.ClasslibFunctions[id] : 0;

        // The bounds of section `id`, read straight from the header (usable before CoreLib's start-up).
        public static bool TryGetSection(int id, out byte* start, out byte* end)
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
            byte* sections = (byte*)(header + 1);
            for (int i = 0; i < header->NumberOfSections; i++)
            {
                ModuleSection* section = (ModuleSection*)(sections + i * header->EntrySize);
                if (section->SectionId == id)
                    return section;
            }
            return null;
        }
    }
}
