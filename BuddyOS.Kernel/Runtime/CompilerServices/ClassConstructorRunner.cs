// Lazy static constructors. For a type with a cctor, ilc guards each static access with a call here.
// The context's one word holds the cctor's address until it has run, then 0. Single core, interrupts
// off: no locking, and a cctor that re-enters its own type sees the context already cleared.
namespace System.Runtime.CompilerServices
{
    public struct StaticClassConstructionContext
    {
        public IntPtr cctorMethodAddress;
    }

    internal static unsafe class ClassConstructorRunner
    {
        private static object CheckStaticClassConstructionReturnGCStaticBase(ref StaticClassConstructionContext context, object gcStaticBase)
        {
            EnsureClassConstructorRun(ref context);
            return gcStaticBase;
        }

        private static IntPtr CheckStaticClassConstructionReturnNonGCStaticBase(ref StaticClassConstructionContext context, IntPtr nonGcStaticBase)
        {
            EnsureClassConstructorRun(ref context);
            return nonGcStaticBase;
        }

        private static void EnsureClassConstructorRun(ref StaticClassConstructionContext context)
        {
            IntPtr cctor = context.cctorMethodAddress;
            if (cctor == 0)
                return;
            context.cctorMethodAddress = 0;
            ((delegate*<void>)cctor)();
        }
    }
}
