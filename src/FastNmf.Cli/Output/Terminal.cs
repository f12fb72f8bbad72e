using System.Text;
using Microsoft.Win32.SafeHandles;

namespace FastNmf.Cli.Output;

/// <summary>How the console is written: a self-updating progress line only on a terminal of the user's own, plain
/// streams under an MPI launcher or srun (they forward a rank's output through a terminal of their own whose far end
/// may be a file).</summary>
internal static class Terminal
{
    private static readonly bool s_underLauncher =
        new[] { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "SLURM_STEP_ID" }.Any(v => Environment.GetEnvironmentVariable(v) is not null);

    /// <summary>Whether progress may redraw one line in place.</summary>
    public static bool IsLive { get; } = !s_underLauncher && !Console.IsOutputRedirected
        && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");

    /// <summary>Under a launcher, writes stdout and stderr as plain UTF-8 streams, so the runtime never sets up the
    /// launcher's terminal (no keypad-mode escape codes at the top of a job's log). Call first thing.</summary>
    public static void UsePlainStreamsUnderLauncher()
    {
        if (!s_underLauncher)
        {
            return;
        }

        // File streams on descriptors 1 and 2: the console's own streams set the terminal up on their first write.
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        Console.SetOut(new StreamWriter(new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1), utf8) { AutoFlush = true });
        Console.SetError(new StreamWriter(new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, 1), utf8) { AutoFlush = true });
    }
}
