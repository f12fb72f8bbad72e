using FastNmf.IO;

namespace FastNmf.Cli.Commands;

/// <summary>
/// Turns every failure of a verb into one line on stderr and a nonzero exit code — never a stack trace (set
/// FASTNMF_DEBUG=1 to get one). Exit codes: 2 bad input or options (including a --backend that is not installed), 3 out
/// of memory, 4 numerical failure, 130 cancelled, 1 an internal error (a broken invariant, e.g. an InvalidOperationException).
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
            return Report(e);
        }
    }

    /// <summary>Prints <paramref name="e"/> as the one error line and returns its exit code.</summary>
    public static int Report(Exception e, string prefix = "")
    {
        (int code, string message) = Classify(e);
        // One line, always: ArgumentOutOfRangeException appends "Actual value was …" on a second line.
        message = message.Split('\n', 2)[0].TrimEnd();
        Console.Error.WriteLine($"fastnmf: error: {prefix}{message}");
        if (Environment.GetEnvironmentVariable("FASTNMF_DEBUG") == "1")
        {
            Console.Error.WriteLine(e);
        }

        return code;
    }

    /// <summary>The exit code and message of a failure.</summary>
    public static (int Code, string Message) Classify(Exception e) => e switch
    {
        Distributed.DistributedFailureException d => (CodeOf(d.OriginalType), d.Rank == 0 || d.EveryRank ? d.Message : $"rank {d.Rank}: {d.Message}"),
        OperationCanceledException => (130, "cancelled; nothing was written."),
        ArgumentException a => (2, WithoutParameter(a)),
        DataFormatException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UsageException => (2, e.Message),
        BackendUnavailableException => (2, e.Message),
        Distributed.Mpi.MpiException => (2, e.Message),
        InsufficientMemoryException or OutOfMemoryException => (3, e.Message),
        ArithmeticException => (4, e.Message),
        IOException or UnauthorizedAccessException => (2, e.Message),
        TimeoutException or System.Net.Sockets.SocketException => (2, e.Message),
        // A broken invariant inside FastNmf, not something the user did: say so instead of blaming the input.
        _ => (1, $"internal error ({e.GetType().Name}): {e.Message} — please report it with FASTNMF_DEBUG=1 output"),
    };

    // The exit code of a failure known by its exception type's name (as a distributed run passes it between ranks).
    private static int CodeOf(string type) => type switch
    {
        "OperationCanceledException" or "TaskCanceledException" => 130,
        "InsufficientMemoryException" or "OutOfMemoryException" => 3,
        "ArithmeticException" or "NumericalBreakdownException" or "OverflowException" or "DivideByZeroException" => 4,
        "InvalidOperationException" or "NullReferenceException" or "IndexOutOfRangeException" => 1,
        _ => 2,
    };

    /// <summary>The message of <paramref name="e"/> without the " (Parameter 'name')" .NET appends: the name is the
    /// library's, not an option the user typed.</summary>
    public static string WithoutParameter(ArgumentException e)
    {
        string message = e.Message.Split('\n', 2)[0].TrimEnd();
        string suffix = $" (Parameter '{e.ParamName}')";
        return e.ParamName is not null && message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message;
    }
}
