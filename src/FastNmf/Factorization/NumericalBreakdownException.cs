namespace FastNmf;

/// <summary>
/// The iteration produced a non-finite value (degenerate data). It is decided from reduced, replicated values, so in a
/// distributed run every rank throws it at the same iteration.
/// </summary>
public sealed class NumericalBreakdownException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    public NumericalBreakdownException()
    {
    }

    /// <summary>Creates the exception.</summary>
    public NumericalBreakdownException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NumericalBreakdownException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
