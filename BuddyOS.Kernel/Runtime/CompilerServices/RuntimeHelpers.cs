namespace System.Runtime.CompilerServices
{
    public static class RuntimeHelpers
    {
        // Lets generic code skip clearing memory that holds no references; ilc supplies the body.
        [Intrinsic]
        public static bool IsReferenceOrContainsReferences<T>() => throw null;

        public static int OffsetToStringData => 12;
    }
}
