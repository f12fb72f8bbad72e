namespace FastNmf;

/// <summary>
/// An explicitly requested native backend (OpenBLAS, MKL) cannot be loaded on this machine; the message carries the
/// load trace (every library name tried and why it failed). Derives from <see cref="InvalidOperationException"/>, which
/// is what earlier versions threw.
/// </summary>
public sealed class BackendUnavailableException : InvalidOperationException
{
    /// <summary>Creates the exception with an empty message.</summary>
    public BackendUnavailableException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public BackendUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public BackendUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
