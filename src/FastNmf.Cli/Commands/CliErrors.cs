using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>
/// Turns every failure of a verb into one line on stderr and a nonzero exit code — never a stack trace (set
/// FASTNMF_DEBUG=1 to get one). Exit codes: 2 bad input or options, 3 out of memory, 4 numerical failure, 130 cancelled,
/// 1 anything else.
/// </summary>
internal static class CliErrors
{
    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e)
        {
            (int code, string message) = e switch
            {
                OperationCanceledException => (130, "cancelled; nothing was written."),
                DataFormatException or InvalidDataException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or UsageException => (2, e.Message),
                InvalidOperationException => (2, e.Message),
                InsufficientMemoryException or OutOfMemoryException => (3, e.Message),
                ArithmeticException => (4, e.Message),
                IOException or UnauthorizedAccessException => (2, e.Message),
                _ => (1, $"{e.GetType().Name}: {e.Message}"),
            };
            // One line, always: ArgumentOutOfRangeException appends "Actual value was …" on a second line.
            message = message.Split('\n', 2)[0].TrimEnd();
            Console.Error.WriteLine($"fastnmf: error: {message}");
            if (Environment.GetEnvironmentVariable("FASTNMF_DEBUG") == "1")
            {
                Console.Error.WriteLine(e);
            }

            return code;
        }
    }
}
