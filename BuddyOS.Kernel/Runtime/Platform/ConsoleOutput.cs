// What the console shows of the bytes programs write (UTF-8, as CoreLib encodes Console.Out): decoded by CoreLib's
// UTF-8 decoder, which keeps a character split across two writes until its last byte comes and turns invalid
// bytes into U+FFFD, then handed to the console device (COM1 gets UTF-8 again; the screen draws what its font has).
using System;
using System.Text;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class ConsoleOutput
    {
        public static int Rows => 25;
        public static int Columns => 80;

        private static Decoder s_decoder;

        public static void Write(byte* buffer, int count)
        {
            s_decoder ??= Encoding.UTF8.GetDecoder();
            Span<char> chars = stackalloc char[256];
            while (count > 0)
            {
                s_decoder.Convert(new ReadOnlySpan<byte>(buffer, count), chars, flush: false, out int used, out int produced, out bool _);
                for (int i = 0; i < produced; i++)
                    ConsoleDevice.Write(chars[i]);
                buffer += used;
                count -= used;
            }
        }
    }
}
