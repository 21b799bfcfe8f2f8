// bcl_reflection: the reflection a kernel author reaches for: enum names both ways, type names, generic
// arguments, attributes of a type's kind.
using System;
using System.Collections.Generic;
using System.IO;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class ReflectionTests
    {
        private enum Planet
        {
            Mercury,
            Venus,
            Earth = 3,
        }

        [Flags]
        private enum Access
        {
            None = 0,
            Read = 1,
            Write = 2,
            Execute = 4,
        }

        public static void Reflection(TestContext t)
        {
            t.Equal("Earth", Planet.Earth.ToString(), "enum ToString");
            t.Equal("Read, Execute", (Access.Read | Access.Execute).ToString(), "flags enum ToString");
            t.Equal("7", ((Planet)7).ToString(), "ToString of an undefined enum value");
            t.Check(Enum.Parse<Planet>("Venus") == Planet.Venus && Enum.Parse<Planet>("earth", ignoreCase: true) == Planet.Earth, "Enum.Parse");
            t.Check(Enum.Parse<Access>("Read, Write") == (Access.Read | Access.Write), "Enum.Parse of flags");
            t.Check(!Enum.TryParse("Pluto", out Planet _), "Enum.TryParse of an unknown name succeeded");
            t.Check(ParseTests.Throws<ArgumentException>(() => Enum.Parse<Planet>("Pluto")), "Enum.Parse of an unknown name did not throw ArgumentException");
            t.Equal("Mercury,Venus,Earth", string.Join(",", Enum.GetNames<Planet>()), "Enum.GetNames");
            t.Check(Enum.IsDefined(Planet.Earth) && !Enum.IsDefined((Planet)2), "Enum.IsDefined");
            t.Equal("Friday", DayOfWeek.Friday.ToString(), "a base-library enum's name");

            t.Equal("List`1", typeof(List<int>).Name, "typeof(List<int>).Name");
            t.Equal("System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib, Version=10.0.0.0, Culture=neutral, PublicKeyToken=7cec85d7bea7798e],[System.Int32, System.Private.CoreLib, Version=10.0.0.0, Culture=neutral, PublicKeyToken=7cec85d7bea7798e]]",
                typeof(Dictionary<string, int>).FullName, "typeof(Dictionary<string, int>).FullName");
            t.Equal("BuddyOS.Kernel.SelfTest.Bcl.ReflectionTests+Planet", typeof(Planet).FullName, "a nested kernel type's FullName");
            object boxed = 42L;
            t.Equal("System.Int64", boxed.GetType().FullName, "GetType().FullName of a boxed long");
            t.Equal("Int32", typeof(List<int>).GetGenericArguments()[0].Name, "generic argument of List<int>");
            t.Check(typeof(int).IsValueType && !typeof(string).IsValueType && typeof(Planet).IsEnum, "IsValueType/IsEnum");
            t.Check(typeof(Stream).IsAbstract && typeof(MemoryStream).IsSubclassOf(typeof(Stream)), "IsAbstract/IsSubclassOf");
            t.Check(typeof(IEnumerable<int>).IsAssignableFrom(typeof(List<int>)), "IsAssignableFrom through a generic interface");
            t.Equal("System.String[]", new string[0].GetType().FullName, "an array type's FullName");
        }
    }
}
