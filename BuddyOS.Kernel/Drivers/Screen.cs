// The screen the kernel's text goes to (COM1 mirrors all of it, in Kernel/ConsoleDevice.cs): VGA text mode when the
// loader left the machine in it (BIOS), the framebuffer console when it set a graphics mode (UEFI). Both are a
// Terminal/TextGrid underneath, so they draw the same report and shell the same way.
namespace BuddyOS.Kernel.Drivers
{
    internal static unsafe class Screen
    {
        private enum Kind : byte { VgaText, Framebuffer, None }

        private static Kind s_kind;
        private static FramebufferInfo s_fb;
        // Why there is no framebuffer console though the loader gave a framebuffer. No reference-type statics here:
        // this runs before the static bases exist.
        private static FramebufferConsole.Problem s_why;

        // Before anything is written: the multiboot2 framebuffer tag decides.
        public static void Initialize(byte* multibootInfo)
        {
            if (Multiboot.Framebuffer(multibootInfo, out s_fb) && s_fb.Type != FramebufferInfo.EgaText)
            {
                s_why = FramebufferConsole.Initialize(s_fb);
                // A graphics mode without our console: no text mode either (writing 0xB8000 would draw nothing).
                s_kind = s_why == FramebufferConsole.Problem.None ? Kind.Framebuffer : Kind.None;
                return;
            }
            s_kind = Kind.VgaText;
            VgaText.Initialize();
        }

        public static void Write(char c)
        {
            if (s_kind == Kind.Framebuffer)
                FramebufferConsole.Write(c);
            else if (s_kind == Kind.VgaText)
                VgaText.Write(c);
        }

        public static void SetColor(byte attribute)
        {
            if (s_kind == Kind.Framebuffer)
                FramebufferConsole.SetColor(attribute);
            else
                VgaText.SetColor(attribute);
        }

        public static void UpdateCursor()
        {
            if (s_kind == Kind.Framebuffer)
                FramebufferConsole.UpdateCursor();
            else if (s_kind == Kind.VgaText)
                VgaText.UpdateCursor();
        }

        // One line for the boot report: which screen, its size.
        public static void PrintReport()
        {
            if (s_kind == Kind.VgaText)
            {
                System.Console.WriteLine("screen: VGA text mode, 80x25");
                return;
            }
            string framebuffer = $"screen: framebuffer {s_fb.Width}x{s_fb.Height}x{s_fb.BitsPerPixel} at 0x{s_fb.Address:X8}";
            if (s_kind == Kind.None)
                System.Console.WriteLine($"{framebuffer}: no console on it ({FramebufferConsole.Describe(s_why)}), COM1 only");
            else
                System.Console.WriteLine($"{framebuffer}, {FramebufferConsole.Columns}x{FramebufferConsole.Rows} text in an "
                    + $"{FramebufferConsole.Font.Width}x{FramebufferConsole.Font.Height} PSF font (console-setup's Lat15-VGA16)");
        }
    }
}
