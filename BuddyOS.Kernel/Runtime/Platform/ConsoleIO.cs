// System.Console's Unix platform layer, answered by the kernel. Descriptors 0, 1 and 2 (and their dups) are one
// terminal: writes go to the screen and COM1 (UTF-8 decoded; ConsoleOutput.cs), reads come from the terminal's
// input stream, the PS/2 keyboard and COM1 as one byte stream with the escape sequences a VT terminal sends
// (ConsoleInput.cs). Like any Linux program in a terminal: IsATty is true, ConsoleDevice.ReadKey parses keys with
// CoreLib's own KeyParser, ConsoleDevice.ReadLine is CoreLib's line reader (Enter, Backspace, Tab). There are no
// terminfo files, so the console has no colour or cursor-movement strings (ConsoleDevice.ForegroundColor does nothing).
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class ConsoleIO
    {
        private const int EBADF = Errors.EBADF, ENOTTY = Errors.ENOTTY, EMFILE = Errors.EMFILE;
        private const int MaxDescriptor = 64;
        // A descriptor's bit is set while it is open; 0, 1 and 2 always are. All of them are the terminal.
        private static ulong s_open = 7;

        // What was written, for the self-test that checks a formatted line reached the console.
        private const int RecordBytes = 256;
        private static long s_bytesWritten;

        [System.Runtime.CompilerServices.InlineArray(RecordBytes)]
        private struct Record
        {
            private byte _first;
        }

        private static Record s_record;

        public static long BytesWritten => s_bytesWritten;

        // The last `count` bytes written to the console (at most 256), as Latin-1 characters.
        public static string LastWritten(int count)
        {
            if (count > RecordBytes)
                count = RecordBytes;
            if (count > s_bytesWritten)
                count = (int)s_bytesWritten;
            char* text = stackalloc char[count];
            for (int i = 0; i < count; i++)
                text[i] = (char)s_record[(int)((s_bytesWritten - count + i) % RecordBytes)];
            return new string(text, 0, count);
        }

        private static bool IsOpen(nint fd) => fd >= 0 && fd < MaxDescriptor && (s_open & (1UL << (int)fd)) != 0;

        [RuntimeExport("SystemNative_Dup")]
        private static nint Dup(nint fd)
        {
            if (!IsOpen(fd))
                return Fail(EBADF);
            for (int i = 3; i < MaxDescriptor; i++)
            {
                if ((s_open & (1UL << i)) == 0)
                {
                    s_open |= 1UL << i;
                    return i;
                }
            }
            return Fail(EMFILE);
        }

        [RuntimeExport("SystemNative_Close")]
        private static int Close(nint fd)
        {
            if (!IsOpen(fd))
                return (int)Fail(EBADF);
            if (fd > 2)
                s_open &= ~(1UL << (int)fd);
            return 0;
        }

        [RuntimeExport("SystemNative_IsATty")]
        private static int IsATty(nint fd) => IsOpen(fd) ? 1 : 0;

        [RuntimeExport("SystemNative_Write")]
        private static int Write(nint fd, byte* buffer, int count)
        {
            if (!IsOpen(fd))
                return (int)Fail(EBADF);
            for (int i = 0; i < count; i++)
            {
                s_record[(int)(s_bytesWritten % RecordBytes)] = buffer[i];
                s_bytesWritten++;
            }
            ConsoleOutput.Write(buffer, count);
            return count;
        }

        // read(0): what the terminal has, at least one byte (blocking).
        [RuntimeExport("SystemNative_Read")]
        private static int Read(nint fd, byte* buffer, int count)
        {
            if (!IsOpen(fd))
                return (int)Fail(EBADF);
            return ConsoleInput.Read(buffer, count);
        }

        [RuntimeExport("SystemNative_ReadStdin")]
        private static int ReadStdin(byte* buffer, int count) => ConsoleInput.Read(buffer, count);

        [RuntimeExport("SystemNative_StdinReady")]
        private static int StdinReady() => ConsoleInput.Available ? 1 : 0;

        // struct PollEvent { int FileDescriptor; short Events; short TriggeredEvents; }: POLLIN on a console
        // descriptor is ready when input is; POLLOUT always is.
        [RuntimeExport("SystemNative_Poll")]
        private static int Poll(int* events, uint count, int milliseconds, uint* triggered)
        {
            const short PollIn = 0x1, PollOut = 0x4;
            long until = milliseconds < 0 ? long.MaxValue : Clock.Nanoseconds + milliseconds * 1000000L;
            while (true)
            {
                uint ready = 0;
                for (uint i = 0; i < count; i++)
                {
                    int* e = events + 2 * i;
                    short wanted = (short)e[1];
                    short happened = 0;
                    if ((wanted & PollIn) != 0 && ConsoleInput.Available)
                        happened |= PollIn;
                    if ((wanted & PollOut) != 0)
                        happened |= PollOut;
                    ((short*)(e + 1))[1] = happened;
                    if (happened != 0)
                        ready++;
                }
                if (ready != 0 || Clock.Nanoseconds >= until)
                {
                    *triggered = ready;
                    return 0;
                }
                ConsoleInput.WaitForInput();
            }
        }

        // The terminal set-up CoreLib asks for once: nothing to change (there is no canonical mode to leave:
        // every read gets the bytes as they come), no signals, no keypad-transmit string to send.
        [RuntimeExport("SystemNative_InitializeTerminalAndSignalHandling")]
        private static int InitializeTerminalAndSignalHandling() => 1;

        [RuntimeExport("SystemNative_UninitializeTerminal")]
        private static void UninitializeTerminal() { }

        [RuntimeExport("SystemNative_SetKeypadXmit")]
        private static void SetKeypadXmit(nint fd, byte* terminfoString) { }

        [RuntimeExport("SystemNative_SetTerminalInvalidationHandler")]
        private static void SetTerminalInvalidationHandler(void* handler) { }

        [RuntimeExport("SystemNative_InitializeConsoleBeforeRead")]
        private static void InitializeConsoleBeforeRead(byte minChars, byte decisecondsTimeout) { }

        [RuntimeExport("SystemNative_UninitializeConsoleAfterRead")]
        private static void UninitializeConsoleAfterRead() { }

        // Ctrl-C is an ordinary key (0x03): there are no signals to deliver.
        [RuntimeExport("SystemNative_GetSignalForBreak")]
        private static int GetSignalForBreak() => 0;

        [RuntimeExport("SystemNative_SetSignalForBreak")]
        private static int SetSignalForBreak(int signalForBreak) => 1;

        // VERASE, VEOL, VEOL2, VEOF as a Linux terminal has them: DEL erases, Ctrl-D is end of file, no extra
        // end-of-line characters (0 is _POSIX_VDISABLE).
        [RuntimeExport("SystemNative_GetControlCharacters")]
        private static void GetControlCharacters(int* names, byte* values, int count, byte* posixDisable)
        {
            const int VERASE = 2, VEOF = 4;
            for (int i = 0; i < count; i++)
                values[i] = names[i] == VERASE ? (byte)0x7F : names[i] == VEOF ? (byte)0x04 : (byte)0;
            *posixDisable = 0;
        }

        // struct WinSize { ushort Row, Col, XPixel, YPixel }
        [RuntimeExport("SystemNative_GetWindowSize")]
        private static int GetWindowSize(nint fd, ushort* size)
        {
            if (!IsOpen(fd))
                return (int)Fail(ENOTTY);
            size[0] = (ushort)ConsoleOutput.Rows;
            size[1] = (ushort)ConsoleOutput.Columns;
            size[2] = 0;
            size[3] = 0;
            return 0;
        }

        // snprintf with one %s or %d argument: how CoreLib expands terminfo strings. Without terminfo files it is not
        // reached; when it is, only the first conversion is expanded and any other byte is copied as it is.
        [RuntimeExport("SystemNative_SNPrintF_1S")]
        private static int SNPrintFString(byte* buffer, int size, byte* format, byte* argument) => Format(buffer, size, format, argument, 0);

        [RuntimeExport("SystemNative_SNPrintF_1I")]
        private static int SNPrintFInt(byte* buffer, int size, byte* format, int argument) => Format(buffer, size, format, null, argument);

        private static int Format(byte* buffer, int size, byte* format, byte* text, int number)
        {
            int length = 0;
            bool expanded = false;
            byte* digits = stackalloc byte[12];
            for (byte* f = format; *f != 0; f++)
            {
                if (!expanded && f[0] == '%' && (f[1] == 's' || f[1] == 'd'))
                {
                    expanded = true;
                    byte* value = text;
                    if (f[1] == 'd')
                    {
                        System.Span<byte> span = new System.Span<byte>(digits, 11);
                        number.TryFormat(span, out int written);
                        digits[written] = 0;
                        value = digits;
                    }
                    for (; value != null && *value != 0; value++, length++)
                        if (length < size - 1)
                            buffer[length] = *value;
                    f++;
                    continue;
                }
                if (length < size - 1)
                    buffer[length] = *f;
                length++;
            }
            if (size > 0)
                buffer[length < size - 1 ? length : size - 1] = 0;
            return length;
        }

        private static nint Fail(int errno)
        {
            Errors.Set(errno);
            return -1;
        }
    }
}
