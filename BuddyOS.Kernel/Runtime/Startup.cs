// CoreLib's start-up, before any kernel code that needs more than the heap: what libRuntime's
// InitializeRuntime does in a Linux process. InitializeModules (CoreLib's) creates the type manager
// (Modules.cs), allocates every type's GC static base on the kernel heap, registers the frozen-object
// segment and runs the eager class constructors; __managed__Startup (ilc's) preallocates the
// OutOfMemoryException, turns on lazy class constructors and runs the library initializers (the type
// loader and reflection execution, which give enum names and type names) and module initializers.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class Startup
    {
        // ClassLibFunctionId runs to 11: the table in Boot/runtime.asm has 12 entries.
        private const int ClasslibFunctionCount = 12;

        [RuntimeImport("InitializeModules")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void InitializeModules(nint osModule, void* headers, int count, nint* classlibFunctions, int classlibFunctionCount);

        [RuntimeImport("__managed__Startup")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern void ManagedStartup();

        [RuntimeImport("BuddyOS_ClasslibFunctions")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern nint* ClasslibFunctions();

        public static bool Done { get; private set; }

        // After KernelHeap and the collector's metadata exist (static bases are heap objects); before the
        // collector starts (its roots are those bases and the handle table CoreLib fills here).
        public static void Run()
        {
            InitializeModules((nint)Modules.ImageBase(), Modules.Headers, Modules.Count, ClasslibFunctions(), ClasslibFunctionCount);
            ManagedStartup();
            Done = true;
        }

        // The static bases CoreLib allocated, for the boot report: section 201's blocks that point into the heap.
        public static int CountStaticBases()
        {
            if (!Modules.TryGetSection(Modules.GCStaticRegionSection, out byte* start, out byte* end))
                return 0;
            int count = 0;
            for (int* entry = (int*)start; entry < (int*)end; entry++)
            {
                nint* block = (nint*)((byte*)entry + *entry);
                if (KernelHeap.Contains((void*)*block))
                    count++;
            }
            return count;
        }
    }
}
