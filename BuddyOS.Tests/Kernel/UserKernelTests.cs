using System.Text.RegularExpressions;
using BuddyOS.Protocol;
using Xunit.Abstractions;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// A kernel of one's own, as its author makes it: samples/hello-kernel copied outside the tree, built with
/// `dotnet build` against the packed BuddyOS.Sdk, booted in QEMU; a line typed on COM1 gets Run()'s answer.
/// And what the SDK's generator says when a project has two kernel classes.
/// </summary>
[Collection(KernelCollection.Name)]
public sealed class UserKernelTests
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(30);
    private const string SampleDir = "samples/hello-kernel";
    private const string Prompt = "hello> ";

    private readonly KernelFixture _fixture;
    private readonly ITestOutputHelper _output;

    public UserKernelTests(KernelFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public async Task The_sample_kernel_built_outside_the_tree_boots_and_its_Run_answers_a_typed_line()
    {
        using var project = UserKernelProject.FromRepository("hello-kernel", $"{SampleDir}/hello-kernel.csproj", $"{SampleDir}/HelloKernel.cs");
        var build = await project.BuildAsync();
        Assert.True(build.ExitCode == 0 && File.Exists(project.Iso),
            UserKernelProject.Describe(build, $"dotnet build of the sample in {project.Directory} (to make {project.Iso})"));
        // The licences of what the image holds (the repository's LICENSES/, shipped in the SDK) are on the ISO.
        var listing = await ProcessRunner.RunAsync("xorriso", new[] { "-indev", project.Iso, "-ls", "/LICENSES/" }, timeout: TimeSpan.FromMinutes(1));
        var licences = Directory.GetFiles(Path.Combine(UserKernelProject.RepoRoot, "LICENSES"), "*.txt");
        Assert.True(licences.Length >= 3, $"only {licences.Length} licence files in LICENSES/");
        foreach (var licence in licences)
            Assert.True(listing.Stdout.Contains($"'{Path.GetFileName(licence)}'"), $"{Path.GetFileName(licence)} is not in the ISO's /LICENSES:\n{listing.Output}");

        var (report, answer, heap, status) = await _fixture.InQemuShell(project.Iso, async shell =>
        {
            var report = shell.WaitFor(Prompt, BootTimeout).Replace("\r", "");
            var answer = shell.Run("the cat, and THE hat", AnswerTimeout, Prompt);
            var heap = shell.Run("heap", AnswerTimeout, Prompt);
            shell.TypeOnSerial("quit\r");
            var status = await shell.WaitForExitAsync(AnswerTimeout);
            return (report, answer, heap, status);
        }, _output);

        // The generated registration made the sample's class the kernel; only its own self-test ran.
        Assert.Contains($"{ReportProtocol.UserKernel} HelloKernel.WordCountKernel\n", report);
        Assert.Contains($"{ReportProtocol.Plan} hello_word_count\n", report);
        Assert.Contains($"{ReportProtocol.Pass} hello_word_count", report);
        Assert.Contains($"{ReportProtocol.Summary} 1 {ReportProtocol.SummaryPassed} 0 {ReportProtocol.SummaryFailed}\n", report);
        Assert.Contains("hello-kernel: type a line and I count its words.", report);
        Assert.DoesNotContain(ReportProtocol.ShellPrompt, report);
        // Run() read the line with Console.ReadLine and answered from its Dictionary.
        Assert.Equal("5 words, 4 distinct so far; most common: \"the\" (2)\n", answer);
        Assert.Matches(new Regex(@"^heap: [\d,]+ of 4,194,304 bytes held \([\d.]+%\), [\d,]+ live blocks, [\d,]+ bytes free, largest free block [\d,]+ bytes\ngc: \d+ collections so far\n$"), heap);
        // quit: Stop(), AfterRun, and QEMU ends with the status of a kernel that stopped.
        Assert.Equal(ReportProtocol.KernelStoppedStatus, status);
    }

    [Fact]
    public async Task The_template_makes_a_project_that_builds_and_the_generator_refuses_two_kernels_and_one_it_cannot_create()
    {
        var (project, templateConfig) = await UserKernelProject.FromTemplateAsync("My-OS");
        using var _ = project;
        Assert.Contains($"<add key=\"buddyos\" value=\"{UserKernelProject.Feed}\" />", templateConfig);
        var build = await project.BuildAsync();
        Assert.True(build.ExitCode == 0 && File.Exists(project.Iso),
            UserKernelProject.Describe(build, $"dotnet build of the template's project in {project.Directory} (to make {project.Iso})"));

        project.Write("Second.cs", """
            namespace Second;
            public sealed class SecondKernel : Kernel { protected override void Run() { } }
            public abstract class NotAKernel : Kernel { }
            """);
        var second = await project.BuildAsync();
        var output = second.StartError ?? second.Output;
        Assert.True(second.ExitCode != 0, UserKernelProject.Describe(second, "the build with two kernel classes"));
        Assert.Contains("error BOS001: 2 kernel classes: My_OS.Kernel, Second.SecondKernel.", output);
        Assert.DoesNotContain("NotAKernel", output);

        // One kernel class again, but one BuddyOS cannot create with `new`.
        File.Delete(Path.Combine(project.Directory, "Kernel.cs"));
        project.Write("Second.cs", """
            namespace Second;
            public sealed class SecondKernel : Kernel { private SecondKernel() { } protected override void Run() { } }
            """);
        var third = await project.BuildAsync();
        Assert.True(third.ExitCode != 0, UserKernelProject.Describe(third, "the build with a kernel class that has only a private constructor"));
        Assert.Contains("error BOS002: Kernel class Second.SecondKernel has no public or internal parameterless constructor", third.StartError ?? third.Output);
    }

    [Fact]
    public void The_sample_and_the_template_name_the_packed_SDK_version()
    {
        var version = UserKernelProject.PackedSdkVersion();
        foreach (var file in new[] { $"{SampleDir}/hello-kernel.csproj", "templates/buddyos-kernel/MyKernel.csproj" })
            Assert.Contains($"<Project Sdk=\"BuddyOS.Sdk/{version}\">", File.ReadAllText(Path.Combine(UserKernelProject.RepoRoot, file)));
    }
}
