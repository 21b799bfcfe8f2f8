// The two attributes ilc recognises by namespace and name in any assembly, not only in CoreLib (which has
// its own, internal): [RuntimeExport("name")] makes a static method a global symbol with the C calling
// convention (what CoreLib's RuntimeImports and the generated code call), [RuntimeImport("name")] on an
// `extern` method is a direct call to a symbol (the asm helpers in Boot/).
namespace System.Runtime
{
    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class RuntimeExportAttribute : Attribute
    {
        public RuntimeExportAttribute(string entry) { }
    }

    [AttributeUsage(AttributeTargets.Method)]
    internal sealed class RuntimeImportAttribute : Attribute
    {
        public RuntimeImportAttribute(string entry) { }
        public RuntimeImportAttribute(string library, string entry) { }
    }
}
