namespace FastNmf.Distributed.Mpi;

/// <summary>An MPI call failed (the message names the call and MPI's own text), or no MPI library could be loaded.</summary>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MpiException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public MpiException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public MpiException()
    {
    }
}
