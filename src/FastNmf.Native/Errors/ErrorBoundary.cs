using FastNmf.Distributed;
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
        if (e is DistributedFailureException d)
        {
            // Every rank reports the failing rank's status and message; that rank classifies its own exception.
            Status original = d.InnerException is { } inner ? Classify(inner).Status : ByTypeName(d.OriginalType);
            return (original, d.EveryRank ? d.Message : $"rank {d.Rank}: {d.Message}");
        }

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
        if (e is ArgumentException { ParamName: { } option } && FastLevers.AbiName(option) is { } argument)
        {
            // A fast lever that does not fit the run's parameters: named as fastnmf_factorizer_set_fast names it.
            string suffix = $" (Parameter '{option}')";
            message = $"{argument} (fastnmf_factorizer_set_fast): {(message.EndsWith(suffix, StringComparison.Ordinal) ? message[..^suffix.Length] : message)}";
        }

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

    /// <summary>The kind a rank sends with a failure it agrees on (<see cref="Collective.AgreeOn(Communicator, Exception?, string?)"/>):
    /// its status, so every rank returns the same one.</summary>
    internal static string StatusKind(Exception e) => $"{StatusPrefix}{(int)Classify(e).Status}";

    private const string StatusPrefix = "status:";

    // The status of an exception another rank caught, from its kind (a status, or the exception's type name).
    private static Status ByTypeName(string type) => type switch
    {
        _ when type.StartsWith(StatusPrefix, StringComparison.Ordinal) && int.TryParse(type.AsSpan(StatusPrefix.Length), out int s)
            && Enum.IsDefined((Status)s) => (Status)s,
        nameof(OperationCanceledException) or nameof(TaskCanceledException) => Status.Cancelled,
        nameof(OutOfMemoryException) or nameof(InsufficientExecutionStackException) => Status.OutOfMemory,
        nameof(InvalidDataException) or nameof(DataFormatException) or nameof(IOException) or nameof(EndOfStreamException) => Status.BadData,
        nameof(BackendUnavailableException) or nameof(FastNmf.Distributed.Mpi.MpiException) => Status.BackendUnavailable,
        nameof(ArithmeticException) or nameof(NumericalBreakdownException) or nameof(NotFiniteNumberException) => Status.NumericalFailure,
        nameof(CApiException) => Status.InvalidArgument,
        _ when type.EndsWith("ArgumentException", StringComparison.Ordinal) || type.StartsWith("Argument", StringComparison.Ordinal)
            || type is nameof(OverflowException) or nameof(DirectoryNotFoundException) or nameof(FileNotFoundException) => Status.InvalidArgument,
        _ => Status.Internal,
    };
}
