// The exception types the runtime and the kernel throw. They are ordinary heap objects; throw, catch,
// when and finally work through Runtime/Exceptions/. No reflection, so each type names itself.
namespace System
{
    public class Exception
    {
        private readonly string _message;

        public Exception() { }
        public Exception(string message) { _message = message; }

        public virtual string Message => _message ?? "(no message)";

        // No reflection, so each exception type names itself.
        public virtual string TypeName => "System.Exception";
    }

    public class SystemException : Exception
    {
        public SystemException() { }
        public SystemException(string message) : base(message) { }
        public override string TypeName => "System.SystemException";
    }

    public sealed class IndexOutOfRangeException : SystemException
    {
        public IndexOutOfRangeException() : base("Index was outside the bounds of the array.") { }
        public override string TypeName => "System.IndexOutOfRangeException";
    }

    public sealed class FormatException : SystemException
    {
        public FormatException(string message) : base(message) { }
        public override string TypeName => "System.FormatException";
    }

    public sealed class OverflowException : SystemException
    {
        public OverflowException() : base("Arithmetic operation resulted in an overflow.") { }
        public override string TypeName => "System.OverflowException";
    }

    public sealed class DivideByZeroException : SystemException
    {
        public DivideByZeroException() : base("Attempted to divide by zero.") { }
        public override string TypeName => "System.DivideByZeroException";
    }

    public sealed class NullReferenceException : SystemException
    {
        public NullReferenceException() : base("Object reference not set to an instance of an object.") { }
        public override string TypeName => "System.NullReferenceException";
    }

    public sealed class InvalidCastException : SystemException
    {
        public InvalidCastException() : base("Specified cast is not valid.") { }
        public override string TypeName => "System.InvalidCastException";
    }

    public sealed class ArrayTypeMismatchException : SystemException
    {
        public ArrayTypeMismatchException() : base("Attempted to store an element of the wrong type in an array.") { }
        public override string TypeName => "System.ArrayTypeMismatchException";
    }

    public class ArgumentException : SystemException
    {
        public ArgumentException() : base("Value does not fall within the expected range.") { }
        public ArgumentException(string message) : base(message) { }
        public override string TypeName => "System.ArgumentException";
    }

    public sealed class ArgumentOutOfRangeException : ArgumentException
    {
        public ArgumentOutOfRangeException() : base("Specified argument was out of the range of valid values.") { }
        public ArgumentOutOfRangeException(string message) : base(message) { }
        public override string TypeName => "System.ArgumentOutOfRangeException";
    }

    public sealed class InvalidOperationException : SystemException
    {
        public InvalidOperationException(string message) : base(message) { }
        public override string TypeName => "System.InvalidOperationException";
    }

    public sealed class NotSupportedException : SystemException
    {
        public NotSupportedException(string message) : base(message) { }
        public override string TypeName => "System.NotSupportedException";
    }

    public sealed class NotImplementedException : SystemException
    {
        public NotImplementedException() : base("The method or operation is not implemented.") { }
        public override string TypeName => "System.NotImplementedException";
    }

    public sealed class PlatformNotSupportedException : SystemException
    {
        public PlatformNotSupportedException() : base("Operation is not supported on this platform.") { }
        public override string TypeName => "System.PlatformNotSupportedException";
    }
}
