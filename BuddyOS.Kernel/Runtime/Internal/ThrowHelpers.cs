// What compiler-generated checks call on failure (bounds, overflow, null, division). Each throws a
// real exception object through the dispatcher (Runtime/Exceptions/): catchable like any other.
using System;

namespace Internal.Runtime.CompilerHelpers
{
    internal static class ThrowHelpers
    {
        public static void ThrowOverflowException() => throw new OverflowException();
        public static void ThrowIndexOutOfRangeException() => throw new IndexOutOfRangeException();
        public static void ThrowNullReferenceException() => throw new NullReferenceException();
        public static void ThrowDivideByZeroException() => throw new DivideByZeroException();
        public static void ThrowArgumentOutOfRangeException() => throw new ArgumentOutOfRangeException();
        public static void ThrowArgumentException() => throw new ArgumentException();
        public static void ThrowPlatformNotSupportedException() => throw new PlatformNotSupportedException();
        public static void ThrowNotImplementedException() => throw new NotImplementedException();
        public static void ThrowInvalidCastException() => throw new InvalidCastException();
        public static void ThrowArrayTypeMismatchException() => throw new ArrayTypeMismatchException();
        public static void ThrowInvalidOperationException(string message) => throw new InvalidOperationException(message);
        public static void ThrowNotSupported(string what) => throw new NotSupportedException(what);

        // ilc calls this where it removed a method body it proved unreachable.
        public static void ThrowFeatureBodyRemoved() => throw new NotSupportedException("a feature body removed by the compiler was reached");
    }
}
