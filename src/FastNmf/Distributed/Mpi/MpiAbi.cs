namespace FastNmf.Distributed.Mpi;

/// <summary>The two binary interfaces MPI implementations ship (until the MPI-5 ABI is common).</summary>
internal enum MpiAbi
{
    /// <summary>Open MPI (and IBM Spectrum MPI, Fujitsu MPI): handles are the addresses of exported globals
    /// (<c>&amp;ompi_mpi_comm_world</c>), <c>MPI_STATUS_IGNORE</c> is NULL, <c>MPI_IN_PLACE</c> is 1,
    /// <c>MPI_PROC_NULL</c> is −2.</summary>
    OpenMpi,

    /// <summary>The MPICH family (MPICH ≥ 3.1, Intel MPI, MVAPICH, Cray MPICH): handles are C ints
    /// (<c>MPI_COMM_WORLD = 0x44000000</c>), <c>MPI_STATUS_IGNORE</c> is 1, <c>MPI_IN_PLACE</c> is −1,
    /// <c>MPI_PROC_NULL</c> is −1.</summary>
    Mpich,
}
