// Console input: the PS/2 keyboard and COM1 feed one stream of keys, so the shell answers the VGA keyboard
// and `-serial stdio` alike. Interrupt handlers fill the drivers' rings; this side drains them with
// interrupts briefly off, decodes them (Terminal/SerialKeyDecoder, Terminal/Ps2KeyDecoder) into a queue of
// keys, and halts (sti; hlt) while nothing is there. ReadLine is Terminal/LineEditor: this file is the glue.
using BuddyOS.Kernel.Drivers;
using BuddyOS.Kernel.Interrupts;
using BuddyOS.Kernel.Terminal;

namespace BuddyOS.Kernel
{
    internal static unsafe partial class ConsoleDevice
    {
        public const int MaxLineLength = 200;
        public const int HistoryLines = 32;

        private static SerialKeyDecoder s_serialKeys;
        private static Ps2KeyDecoder s_keyboardKeys;
        private static KeyQueue s_keys;
        private static LineEditor s_editor;   // made at the first ReadLine; its storage is all it ever allocates

        // Blocks until a key arrives from either device. Interrupts must be initialised (Irq.Initialize).
        // (System.Console.ReadKey reads the same keys, sent as a terminal's bytes: Runtime/Platform/ConsoleInput.cs.)
        public static KeyEvent ReadKeyEvent()
        {
            Screen.UpdateCursor();
            while (true)
            {
                Irq.Disable();
                DrainDevices();
                if (s_keys.TryTake(out KeyEvent key))
                {
                    Irq.Enable();
                    return key;
                }
                Irq.WaitForInterrupt();   // returns with interrupts on
            }
        }

        // A line edited as on any terminal (Terminal/LineEditor.cs: cursor keys, history, Ctrl-C, Ctrl-L), after
        // the text already on the current row (the prompt). Ctrl-C gives back an empty line. At most
        // MaxLineLength characters.
        public static string ReadLine()
        {
            if (s_editor == null)
                s_editor = new LineEditor(MaxLineLength, HistoryLines);
            fixed (char* prompt = s_row.Text)
                s_editor.Begin(prompt, s_row.Length);
            while (true)
            {
                EditResult result = s_editor.Feed(ReadKeyEvent());
                char[] output = s_editor.Output;
                for (int i = 0; i < s_editor.OutputLength; i++)
                    Write(output[i]);
                if (result == EditResult.Cancelled)
                    return "";
                if (result == EditResult.Done)
                {
                    fixed (char* line = s_editor.Line)
                        return new string(line, 0, s_editor.Length);
                }
                Screen.UpdateCursor();
            }
        }

        // A key if one was typed, without waiting.
        public static bool TryTakeKey(out KeyEvent key)
        {
            bool enabled = Irq.Disable();
            DrainDevices();
            bool any = s_keys.TryTake(out key);
            Irq.Restore(enabled);
            return any;
        }

        // For a command that waits or runs long: true when Ctrl-C was typed since the last call; the keys typed
        // before it are dropped with it (as a terminal flushes its input on an interrupt), others stay queued.
        public static bool InterruptRequested()
        {
            bool enabled = Irq.Disable();
            DrainDevices();
            bool interrupted = false;
            int count = s_keys.Count;
            for (int i = 0; i < count; i++)
            {
                s_keys.TryTake(out KeyEvent key);
                if (key.IsInterrupt)
                    interrupted = true;
                else
                    s_keys.TryAdd(key);
            }
            if (interrupted)
                s_keys.Clear();
            Irq.Restore(enabled);
            return interrupted;
        }

        // With interrupts off: every byte in the rings through its decoder into the key queue.
        private static void DrainDevices()
        {
            while (Keyboard8042.TryTakeScancode(out byte scancode))
                if (s_keyboardKeys.Feed(scancode, out KeyEvent key))
                    s_keys.TryAdd(key);
            while (Serial.TryTake(out byte b))
                if (s_serialKeys.Feed(b, out KeyEvent key))
                    s_keys.TryAdd(key);
        }
    }
}
