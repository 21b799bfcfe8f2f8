// The screen the kernel's text goes to (COM1 mirrors all of it, in Kernel/Console.cs): VGA text mode when the
// loader left the machine in it (BIOS), the framebuffer console when it set a graphics mode (UEFI). Both are a
// Terminal/TextGrid underneath, so they draw the same report and shell the same way.
namespace BuddyOS.Kernel.Drivers
{
    internal static unsafe class Screen
    {
        private static bool s_framebuffer;

        // Before anything is written: the multiboot2 framebuffer tag decides (null info: VGA text).
        public static void Initialize(byte* multibootInfo)
        {
            VgaText.Initialize();
        }

        public static void Write(char c)
        {
            if (s_framebuffer)
                return;
            VgaText.Write(c);
        }

        public static void SetColor(byte attribute)
        {
            VgaText.SetColor(attribute);
        }

        public static void UpdateCursor()
        {
            if (!s_framebuffer)
                VgaText.UpdateCursor();
        }
    }
}
