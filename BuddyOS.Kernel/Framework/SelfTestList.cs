// A kernel author's self-tests: added in Kernel.AddSelfTests, run at boot by the kernel's own runner
// (SelfTest/TestFramework.cs), so they print the report protocol's lines and count in its closing line.
using System;
using System.Collections.Generic;
using BuddyOS.Kernel.SelfTest;

namespace BuddyOS.Framework
{
    /// <summary>The self-tests a kernel adds in <see cref="Kernel.AddSelfTests"/>; they run at boot, in the order added.</summary>
    public sealed class SelfTestList
    {
        /// <summary>The longest test name the report accepts.</summary>
        public const int MaxNameLength = 48;

        internal readonly List<TestCase> Cases = new List<TestCase>();

        internal SelfTestList() { }

        /// <summary>How many tests were added.</summary>
        public int Count => Cases.Count;

        /// <summary>
        /// Adds a test. It passes when <paramref name="body"/> returns with every check holding, and fails on the
        /// first check that does not hold or on an exception it lets escape (named in its <c>[FAIL]</c> line).
        /// </summary>
        /// <param name="name">1 to 48 characters, letters, digits, '_', '-' or '.'; not a name already added, nor one of BuddyOS's own tests.</param>
        /// <param name="body">The test; it records its checks in the <see cref="SelfTestContext"/> it is given.</param>
        /// <exception cref="ArgumentNullException">A null argument.</exception>
        /// <exception cref="ArgumentException">A name that is empty, too long, has another character, or is taken.</exception>
        public void Add(string name, Action<SelfTestContext> body)
        {
            if (name == null)
                throw new ArgumentNullException(nameof(name));
            if (body == null)
                throw new ArgumentNullException(nameof(body));
            string problem = NameProblem(name);
            if (problem != null)
                throw new ArgumentException($"self-test name \"{name}\": {problem}", nameof(name));
            TestCase test = new TestCase();
            test.Name = name;
            test.Body = t => RunGuarded(body, t);
            Cases.Add(test);
        }

        private string NameProblem(string name)
        {
            if (name.Length == 0)
                return "empty";
            if (name.Length > MaxNameLength)
                return $"{name.Length} characters, more than {MaxNameLength}";
            foreach (char c in name)
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'))
                    return $"'{c}' is not a letter, digit, '_', '-' or '.' (the report separates names with spaces)";
            foreach (TestCase existing in Cases)
                if (existing.Name == name)
                    return "added twice";
            if (SelfTests.Exists(name) || name == SelfTests.DeliberateFailureName)
                return "one of BuddyOS's own self-tests has this name";
            return null;
        }

        private static void RunGuarded(Action<SelfTestContext> body, TestContext t)
        {
            try
            {
                body(new SelfTestContext(t));
            }
            catch (Exception e)
            {
                t.Check(false, $"threw {e.GetType().Name}: {e.Message}");
            }
        }
    }

    /// <summary>What a self-test checks with: the first check that does not hold is the test's failure.</summary>
    public sealed class SelfTestContext
    {
        private readonly TestContext _context;

        internal SelfTestContext(TestContext context) => _context = context;

        /// <summary>Whether a check has failed so far.</summary>
        public bool Failed => (object)_context.Failure != null;

        /// <summary>A passing test's remark, printed after its <c>[PASS]</c> line's name (sizes reached, say).</summary>
        public string Note
        {
            get => _context.Note;
            set => _context.Note = value;
        }

        /// <summary>Checks that <paramref name="condition"/> holds; <paramref name="what"/> says what failed if not.</summary>
        /// <returns><paramref name="condition"/>.</returns>
        public bool Check(bool condition, string what) => _context.Check(condition, what);

        /// <summary>Checks two numbers are equal; the failure names both.</summary>
        /// <returns>Whether they are.</returns>
        public bool Equal(long expected, long actual, string what) =>
            expected == actual || _context.Check(false, $"{what} (expected {expected}, actual {actual})");

        /// <summary>Checks two strings are equal (ordinal); the failure names both.</summary>
        /// <returns>Whether they are.</returns>
        public bool Equal(string expected, string actual, string what) => _context.Equal(expected, actual, what);

        /// <summary>Fails the test with <paramref name="what"/> (only the first failure is reported).</summary>
        public void Fail(string what) => _context.Check(false, what);
    }
}
