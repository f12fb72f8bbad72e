using FastNmf.IO;
using FastNmf.Native.Abi;

namespace FastNmf.Native.Errors;

/// <summary>
/// The catch-all every export ends in: maps any exception to a status and stores one line naming the export in the
/// thread's last error. Nothing escapes — an exception leaving an <c>[UnmanagedCallersOnly]</c> method would end the
/// host process.
/// </summary>
internal static class ErrorBoundary
{
    /// <summary>The status for <paramref name="e"/>, after recording its message for <paramref name="function"/>.</summary>
    public static int Fail(Exception e, string function)
    {
        try
        {
            (Status status, string message) = Classify(e);
            LastError.Set($"{function}: {message}");
            return (int)status;
        }
        catch
        {
            // Formatting the message failed (out of memory, most likely): the status alone still tells the caller.
            return (int)Status.Internal;
        }
    }

    /// <summary>Records <paramref name="message"/> and returns <paramref name="status"/> (for failures found without an exception).</summary>
    public static int Fail(Status status, string function, string message)
    {
        LastError.Set($"{function}: {message}");
        return (int)status;
    }

    internal static (Status Status, string Message) Classify(Exception e)
    {
        Status status = e switch
        {
            CApiException c => c.Status,
            OperationCanceledException => Status.Cancelled,
            OutOfMemoryException => Status.OutOfMemory,
            InvalidDataException or DataFormatException => Status.BadData,
            DirectoryNotFoundException or FileNotFoundException => Status.InvalidArgument,
            IOException => Status.BadData,
            BackendUnavailableException => Status.BackendUnavailable,
            // Checked size arithmetic that overflowed: the inputs were too large, not the iteration degenerate.
            OverflowException => Status.InvalidArgument,
            ArithmeticException => Status.NumericalFailure,
            ArgumentException => Status.InvalidArgument,
            _ => Status.Internal,
        };
        // One line: ArgumentOutOfRangeException appends "Actual value was …" on a second line.
        string message = e.Message.Split('\n', 2)[0].TrimEnd();
        if (status == Status.Cancelled)
        {
            message = "cancelled by the progress callback; no result was kept.";
        }
        else if (status == Status.Internal)
        {
            message = $"{e.GetType().Name}: {message}";
        }

        return (status, message);
    }
}
