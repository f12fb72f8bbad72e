using System.Diagnostics.CodeAnalysis;
using FastNmf.Native.Abi;

namespace FastNmf.Native.Errors;

/// <summary>A failure the adapter detected itself, with the status it maps to.</summary>
internal sealed class CApiException : Exception
{
    public CApiException(Status status, string message)
        : base(message)
    {
        Status = status;
    }

    public CApiException()
    {
    }

    public CApiException(string message)
        : base(message)
    {
    }

    public CApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public Status Status { get; } = Status.Internal;

    /// <summary>Throws <see cref="Status.NullPointer"/> naming <paramref name="name"/> when <paramref name="p"/> is NULL.</summary>
    public static unsafe void ThrowIfNull(void* p, string name)
    {
        if (p == null)
        {
            ThrowNull(name);
        }
    }

    [DoesNotReturn]
    private static void ThrowNull(string name) => throw new CApiException(Status.NullPointer, $"{name} is NULL.");
}
