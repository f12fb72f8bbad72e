namespace FastNmf.Distributed.Mpi;

/// <summary>
/// A <see cref="Communicator"/> over an MPI communicator: <see cref="World"/> (initialising MPI if the program has
/// not), or the host program's own (<see cref="FromHandle"/>, <see cref="FromFortran"/>) for an MPI program that embeds
/// FastNmf. FastNmf talks on a private duplicate (MPI_Comm_dup, MPI_ERRORS_RETURN), so its traffic never meets the
/// host's and the host's error handler is left as it is. Every operation is a blocking collective on the calling
/// thread (MPI thread level FUNNELED).
/// </summary>
public sealed unsafe class MpiCommunicator : Communicator, IDisposable
{
    // MPI counts are C ints: large buffers go in chunks of at most 2^30 elements.
    private const int Chunk = 1 << 30;

    private readonly MpiLibrary _mpi;
    private readonly nint _comm;
    private bool _freed;

    private MpiCommunicator(MpiLibrary mpi, nint comm)
    {
        _mpi = mpi;
        Rank = mpi.Rank(comm);
        Size = mpi.Size(comm);
        _comm = mpi.Duplicate(comm);
    }

    /// <inheritdoc/>
    public override int Rank { get; }

    /// <inheritdoc/>
    public override int Size { get; }

    /// <inheritdoc/>
    public override string Description => $"{Size} MPI rank(s), {_mpi.Version}";

    /// <summary>The MPI library in use (name and version line).</summary>
    public string Library => $"{_mpi.Path}: {_mpi.Version} ({_mpi.Abi} ABI)";

    /// <summary>MPI_COMM_WORLD, initialising MPI (thread level FUNNELED) if the program has not.</summary>
    /// <exception cref="MpiException">no MPI library loads here, or initialisation failed.</exception>
    public static MpiCommunicator World()
    {
        MpiLibrary mpi = MpiLibrary.Get();
        mpi.EnsureInitialised();
        return new MpiCommunicator(mpi, mpi.CommWorld);
    }

    /// <summary>The host program's communicator: its <c>MPI_Comm</c> value (an Open MPI pointer, or an MPICH-family
    /// int widened to nint). MPI must be initialised (by the host). Collective over <paramref name="comm"/>.</summary>
    /// <exception cref="MpiException">no MPI library loads, MPI is not initialised, or the handle is not a communicator.</exception>
    public static MpiCommunicator FromHandle(nint comm) => Hosted(mpi => comm);

    /// <summary>The host program's communicator from its Fortran handle (<c>MPI_Fint</c>, e.g. <c>MPI_Comm_c2f</c>'s).
    /// Collective over that communicator.</summary>
    /// <exception cref="MpiException">no MPI library loads, MPI is not initialised, or the handle is not a communicator.</exception>
    public static MpiCommunicator FromFortran(int handle) => Hosted(mpi => mpi.FromFortran(handle));

    /// <summary>Frees FastNmf's duplicate (MPI_Comm_free; collective: every rank disposes its communicator). Nothing
    /// after MPI is finalised.</summary>
    public void Dispose()
    {
        if (!_freed)
        {
            _freed = true;
            _mpi.Free(_comm);
        }
    }

    private static MpiCommunicator Hosted(Func<MpiLibrary, nint> handle)
    {
        MpiLibrary mpi = MpiLibrary.Get();
        if (!mpi.IsActive)
        {
            throw new MpiException($"MPI ({mpi.Path}) is not initialised in this process (or already finalised): a host's communicator needs MPI_Init first.");
        }

        return new MpiCommunicator(mpi, handle(mpi));
    }

    /// <summary>Finalises MPI if FastNmf initialised it (call once at the end of a program that used <see cref="World"/>).</summary>
    public static void FinaliseIfOwned()
    {
        if (MpiLibrary.TryGet(out _) is { } mpi)
        {
            mpi.FinaliseIfOwned();
        }
    }

    /// <summary>Ends every rank of this communicator at once with <paramref name="code"/> (MPI_Abort): what a rank that
    /// fails outside a collective does so that no other rank waits for it.</summary>
    public void Abort(int code) => _mpi.Abort(_comm, code);

    /// <inheritdoc/>
    protected override void AllreduceSumCore(Span<double> values) => Allreduce(values, _mpi.Sum);

    /// <inheritdoc/>
    protected override void AllreduceMaxCore(Span<double> values) => Allreduce(values, _mpi.Max);

    /// <inheritdoc/>
    protected override void ExchangeHaloCore(ReadOnlySpan<float> toPrevious, ReadOnlySpan<float> toNext, Span<float> fromPrevious, Span<float> fromNext)
    {
        int previous = Rank > 0 ? Rank - 1 : _mpi.ProcNull;
        int next = Rank < Size - 1 ? Rank + 1 : _mpi.ProcNull;
        fixed (float* up = toPrevious, down = toNext, fromUp = fromPrevious, fromDown = fromNext)
        {
            // Up the ranks: my first rows to the previous rank while the next rank's first rows arrive; then down.
            _mpi.Sendrecv(up, toPrevious.Length, previous, fromDown, fromNext.Length, next, _mpi.Float, _comm);
            _mpi.Sendrecv(down, toNext.Length, next, fromUp, fromPrevious.Length, previous, _mpi.Float, _comm);
        }
    }

    /// <inheritdoc/>
    protected override void GatherToRootCore(ReadOnlySpan<float> local, Span<float> atRoot, ReadOnlySpan<int> counts)
    {
        var displacements = new int[Size];
        for (int r = 1; r < Size; r++)
        {
            displacements[r] = checked(displacements[r - 1] + counts[r - 1]);
        }

        fixed (float* send = local, receive = atRoot)
        fixed (int* c = counts, d = displacements)
        {
            _mpi.Gatherv(send, local.Length, receive, c, d, _mpi.Float, 0, _comm);
        }
    }

    /// <inheritdoc/>
    protected override void BroadcastCore(Span<byte> data)
    {
        fixed (byte* p = data)
        {
            for (long first = 0; first < data.Length; first += Chunk)
            {
                _mpi.Bcast(p + first, (int)Math.Min(Chunk, data.Length - first), _mpi.Byte, 0, _comm);
            }
        }
    }

    private void Allreduce(Span<double> values, nint op)
    {
        fixed (double* p = values)
        {
            for (long first = 0; first < values.Length; first += Chunk)
            {
                _mpi.Allreduce(p + first, (int)Math.Min(Chunk, values.Length - first), _mpi.Double, op, _comm);
            }
        }
    }
}
