// The runtime features the kernel relies on, one self-test each so a broken feature is named by its
// own [FAIL] line: static constructors, static fields, interface dispatch with several implementations
// the compiler cannot see through, casts, generics over value and reference types, delegates, boxing, spans.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.SelfTest
{
    internal interface IShape
    {
        int Area();
        string Name { get; }
    }

    internal interface IScaled<T>
    {
        T Scale(T value);
    }

    internal sealed class Square : IShape
    {
        private readonly int _side;
        public Square(int side) { _side = side; }
        public int Area() => _side * _side;
        public string Name => "square";
    }

    internal class Rectangle : IShape, IScaled<int>
    {
        protected readonly int Width, Height;
        public Rectangle(int width, int height) { Width = width; Height = height; }
        public virtual int Area() => Width * Height;
        public virtual string Name => "rectangle";
        public int Scale(int value) => value * Width;
    }

    // Inherits the interface from its base; the override must win through the base's dispatch map.
    internal sealed class Triangle : Rectangle
    {
        public Triangle(int width, int height) : base(width, height) { }
        public override int Area() => Width * Height / 2;
        public override string Name => "triangle";
    }

    internal struct Circle : IShape
    {
        public int Radius;
        public int Area() => 3 * Radius * Radius;
        public string Name => "circle";
    }

    // The static constructor reads the TSC, so ilc cannot run it at compile time: it runs lazily.
    internal static class LazyStatics
    {
        public static readonly int Seven;
        public static readonly object Marker;
        public static readonly string Label;

        static LazyStatics()
        {
            RuntimeTests.CctorRuns++;
            Seven = 7 + (int)(Machine.Rdtsc() & 0);
            Marker = new object();
            Label = string.Concat("lazy", "-static");
        }
    }

    // Preinitialised by ilc: the array's contents come from the image's GC static region.
    internal static class PreinitializedStatics
    {
        public static readonly int[] Primes = { 2, 3, 5, 7, 11, 13 };
        public static readonly string Greeting = "hello";
    }

    internal struct Pair<T>
    {
        public T First, Second;
        public Pair(T first, T second) { First = first; Second = second; }
        public Pair<T> Swap() => new Pair<T>(Second, First);
    }

    internal sealed unsafe class RuntimeTests
    {
        public static int CctorRuns;
        private static object s_assignedAtRuntime;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IShape MakeShape(int kind)
        {
            switch (kind)
            {
                case 0: return new Square(3);
                case 1: return new Rectangle(2, 5);
                case 2: return new Triangle(4, 6);
                default: return new Circle { Radius = 2 };
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static T Identity<T>(T value) => value;

        private static int Twice(int x) => 2 * x;

        private int _offset = 100;
        private int AddOffset(int x) => x + _offset;

        // A lazy static constructor runs once, on first access, and its reference statics are heap objects.
        public static void StaticConstructor(TestContext t)
        {
            // A type initialises once per boot: the boot's run sees the first access, a rerun from the shell
            // (`test`) checks that the constructor does not run again.
            bool rerun = CctorRuns != 0;
            if (!rerun)
                t.Equal(0, (ulong)CctorRuns, "cctor ran before first access");
            else
                t.Note = "rerun: the class constructor ran at boot and does not run again";
            t.Equal(7, (ulong)LazyStatics.Seven, "static set by the cctor");
            t.Equal(1, (ulong)CctorRuns, rerun ? "cctor ran once, at boot" : "cctor runs after first access");
            t.Check(LazyStatics.Marker != null, "static object set by the cctor");
            t.Equal("lazy-static", LazyStatics.Label, "static string set by the cctor");
            t.Equal(1, (ulong)CctorRuns, "cctor ran once");
        }

        // Statics preinitialised by ilc (from the image) and a static reference field written at run time.
        public static void StaticFields(TestContext t)
        {
            t.Equal(6, (ulong)PreinitializedStatics.Primes.Length, "preinitialised static array length");
            t.Equal(13, (ulong)PreinitializedStatics.Primes[5], "preinitialised static array element");
            t.Equal("hello", PreinitializedStatics.Greeting, "preinitialised static string");
            s_assignedAtRuntime = new Square(4);
            t.Equal(16, (ulong)((IShape)s_assignedAtRuntime).Area(), "static reference field written at run time");
        }

        // Four implementations, one through a base class, one a boxed struct, and a generic interface.
        public static void InterfaceDispatch(TestContext t)
        {
            int total = 0;
            string names = "";
            for (int kind = 0; kind < 4; kind++)
            {
                IShape shape = MakeShape(kind);
                total += shape.Area();
                names = string.Concat(names, shape.Name, " ");
            }
            t.Equal(9 + 10 + 12 + 12, (ulong)total, "sum of areas through IShape");
            t.Equal("square rectangle triangle circle ", names, "names through IShape");
            IScaled<int> scaled = (IScaled<int>)MakeShape(2);
            t.Equal(12, (ulong)scaled.Scale(3), "generic interface on a base class");
        }

        // is/as against interfaces and classes, on objects the compiler cannot type statically.
        public static void Casts(TestContext t)
        {
            t.Check(MakeShape(0) is IShape, "is IShape");
            t.Check(!(MakeShape(0) is IScaled<int>), "Square is not IScaled<int>");
            t.Check(MakeShape(2) as Rectangle != null, "a Triangle as its base class Rectangle");
            t.Check(MakeShape(0) as Rectangle == null, "a Square as Rectangle is null");
            t.Check(MakeShape(3) is Circle, "a boxed Circle is Circle");
        }

        // Generics over value and reference types (shared code for references).
        public static void Generics(TestContext t)
        {
            Pair<int> ints = new Pair<int>(1, 2).Swap();
            t.Equal(2, (ulong)ints.First, "Pair<int>.Swap");
            Pair<string> strings = new Pair<string>("a", "b").Swap();
            t.Equal("b", strings.First, "Pair<string>.Swap");
            t.Equal(42, (ulong)Identity(42), "generic method over int");
            t.Equal("x", Identity("x"), "generic method over string");
            List<string> words = new List<string>();
            words.Add("buddy");
            words.Add("os");
            t.Equal("os", words[1], "List<string>");
        }

        // Static method, closed instance method, lambda with a captured local.
        public static void Delegates(TestContext t)
        {
            Func<int, int> twice = Twice;
            t.Equal(42, (ulong)twice(21), "static method delegate");
            RuntimeTests instance = new RuntimeTests();
            Func<int, int> addOffset = instance.AddOffset;
            t.Equal(105, (ulong)addOffset(5), "instance method delegate");
            int captured = 30;
            Func<int, int> addCaptured = x => x + captured;
            t.Equal(42, (ulong)addCaptured(12), "closure delegate");
        }

        public static void Boxing(TestContext t)
        {
            object boxed = 1234;
            t.Equal(1234, (ulong)(int)boxed, "unbox");
            t.Check(boxed is int, "boxed int is int");
            t.Check(!(boxed is long), "boxed int is not long");
        }

        // Span over stackalloc and over an array, checked arithmetic that does not overflow.
        public static void Spans(TestContext t)
        {
            Span<int> span = stackalloc int[8];
            for (int i = 0; i < span.Length; i++)
                span[i] = i * i;
            int sum = 0;
            foreach (int value in span)
                sum = checked(sum + value);
            t.Equal(140, (ulong)sum, "sum over a stackalloc span");
            int[] array = new int[4];
            Span<int> arraySpan = array;
            arraySpan.Slice(1, 2).Fill(9);
            t.Equal(9, (ulong)array[2], "write through an array span");
            t.Equal(0, (ulong)array[3], "slice bounds respected");
        }
    }
}
