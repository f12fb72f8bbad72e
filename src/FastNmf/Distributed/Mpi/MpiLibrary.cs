using System.Runtime.InteropServices;
using System.Text;

namespace FastNmf.Distributed.Mpi;

/// <summary>
/// A thin binding of the MPI functions FastNmf needs, loaded at run time (never linked: FastNmf runs where no MPI is
/// installed) for either ABI, chosen from <c>MPI_Get_library_version</c> — after MPI.jl, which reaches both without a C
/// shim. Handles are carried as <c>nint</c>: Open MPI's are pointers; the MPICH family's are C ints, which the x86-64
/// System V and AArch64 calling conventions pass in the low half of a 64-bit register or stack slot exactly as an int,
/// so one set of function pointers serves both (the one call that returns a handle, <c>MPI_Comm_f2c</c>, has a typed
/// pointer per ABI).
/// </summary>
internal sealed unsafe class MpiLibrary
{
    /// <summary>Environment variable naming the MPI library to load (a path or a soname).</summary>
    public const string LibraryVariable = "FASTNMF_MPI_LIBRARY";

    private const int Success = 0;
    private const int ThreadFunneled = 1;

    private static readonly Lazy<(MpiLibrary? Library, string Trace)> s_loaded = new(LoadFirst);

    private readonly delegate* unmanaged<int*, int> _initialized;
    private readonly delegate* unmanaged<int*, int> _finalized;
    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;
    private readonly delegate* unmanaged<nint, int*, int> _commRank;
    private readonly delegate* unmanaged<nint, int*, int> _commSize;
    private readonly delegate* unmanaged<nint, nint, int> _commSetErrhandler;
    private readonly delegate* unmanaged<void*, void*, int, nint, nint, nint, int> _allreduce;
    private readonly delegate* unmanaged<void*, int, nint, int, int, void*, int, nint, int, int, nint, void*, int> _sendrecv;
    private readonly delegate* unmanaged<void*, int, nint, int, nint, int> _bcast;
    private readonly delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, int, nint, int> _gatherv;
    private readonly delegate* unmanaged<nint, int, int> _abort;
    private readonly delegate* unmanaged<nint, nint*, int> _commDupOpenMpi;
    private readonly delegate* unmanaged<nint, int*, int> _commDupMpich;
    private readonly delegate* unmanaged<nint*, int> _commFreeOpenMpi;
    private readonly delegate* unmanaged<int*, int> _commFreeMpich;
    private readonly delegate* unmanaged<int, nint> _commF2cOpenMpi;
    private readonly delegate* unmanaged<int, int> _commF2cMpich;

    private MpiLibrary(nint handle, string path, string version, MpiAbi abi)
    {
        Path = path;
        Version = version;
        Abi = abi;
        _initialized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Finalized");
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export(handle, "MPI_Init_thread");
        _finalize = (delegate* unmanaged<int>)Export(handle, "MPI_Finalize");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export(handle, "MPI_Error_string");
        _commRank = (delegate* unmanaged<nint, int*, int>)Export(handle, "MPI_Comm_rank");
        _commSize = (delegate* unmanaged<nint, int*, int>)Export(handle, "MPI_Comm_size");
        _commSetErrhandler = (delegate* unmanaged<nint, nint, int>)Export(handle, "MPI_Comm_set_errhandler");
        _allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Export(handle, "MPI_Allreduce");
        _sendrecv = (delegate* unmanaged<void*, int, nint, int, int, void*, int, nint, int, int, nint, void*, int>)Export(handle, "MPI_Sendrecv");
        _bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Export(handle, "MPI_Bcast");
        _gatherv = (delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, int, nint, int>)Export(handle, "MPI_Gatherv");
        _abort = (delegate* unmanaged<nint, int, int>)Export(handle, "MPI_Abort");
        nint dup = Export(handle, "MPI_Comm_dup");
        _commDupOpenMpi = (delegate* unmanaged<nint, nint*, int>)dup;
        _commDupMpich = (delegate* unmanaged<nint, int*, int>)dup;
        nint free = Export(handle, "MPI_Comm_free");
        _commFreeOpenMpi = (delegate* unmanaged<nint*, int>)free;
        _commFreeMpich = (delegate* unmanaged<int*, int>)free;
        // MPICH makes MPI_Comm_f2c a macro (a Fortran handle is the C one): exported by Open MPI only.
        nint f2c = NativeLibrary.TryGetExport(handle, "MPI_Comm_f2c", out nint found) ? found : 0;
        _commF2cOpenMpi = (delegate* unmanaged<int, nint>)f2c;
        _commF2cMpich = (delegate* unmanaged<int, int>)f2c;
        if (abi == MpiAbi.OpenMpi)
        {
            CommWorld = Export(handle, "ompi_mpi_comm_world");
            Double = Export(handle, "ompi_mpi_double");
            Float = Export(handle, "ompi_mpi_float");
            Byte = Export(handle, "ompi_mpi_byte");
            Sum = Export(handle, "ompi_mpi_op_sum");
            Max = Export(handle, "ompi_mpi_op_max");
            ErrorsReturn = Export(handle, "ompi_mpi_errors_return");
            StatusIgnore = 0;
            InPlace = 1;
            ProcNull = -2;
        }
        else
        {
            CommWorld = 0x44000000;
            Double = 0x4c00080b;
            Float = 0x4c00040a;
            Byte = 0x4c00010d;
            Sum = 0x58000003;
            Max = 0x58000001;
            ErrorsReturn = 0x54000001;
            StatusIgnore = 1;
            InPlace = -1;
            ProcNull = -1;
        }
    }

    public string Path { get; }

    /// <summary>MPI_Get_library_version's first line, e.g. "Open MPI v4.1.4, package: Debian OpenMPI, …".</summary>
    public string Version { get; }

    public MpiAbi Abi { get; }

    public nint CommWorld { get; }

    public nint Double { get; }

    public nint Float { get; }

    public nint Byte { get; }

    public nint Sum { get; }

    public nint Max { get; }

    public nint ErrorsReturn { get; }

    public nint StatusIgnore { get; }

    public nint InPlace { get; }

    public int ProcNull { get; }

    /// <summary>Whether this process initialised MPI (and so finalises it).</summary>
    public bool InitialisedHere { get; private set; }

    /// <summary>The MPI library of this process, loaded once (see <see cref="LibraryVariable"/>).</summary>
    /// <exception cref="MpiException">no MPI library loads here (the message lists every attempt).</exception>
    public static MpiLibrary Get() => s_loaded.Value.Library ?? throw new MpiException($"no MPI library could be loaded: {s_loaded.Value.Trace}");

    /// <summary>The loaded library, or null with why not.</summary>
    public static MpiLibrary? TryGet(out string trace)
    {
        trace = s_loaded.Value.Trace;
        return s_loaded.Value.Library;
    }

    /// <summary>Whether MPI is initialised and not yet finalised in this process.</summary>
    public bool IsActive
    {
        get
        {
            int initialised, finalised;
            Check(_initialized(&initialised), "MPI_Initialized");
            Check(_finalized(&finalised), "MPI_Finalized");
            return initialised != 0 && finalised == 0;
        }
    }

    /// <summary>Initialises MPI (thread level FUNNELED: only the thread that calls FastNmf calls MPI) unless the host
    /// program already did.</summary>
    public void EnsureInitialised()
    {
        int flag;
        Check(_initialized(&flag), "MPI_Initialized");
        if (flag == 0)
        {
            int provided;
            Check(_initThread(null, null, ThreadFunneled, &provided), "MPI_Init_thread");
            InitialisedHere = true;
        }

        if (LauncherSize() is int expected && expected > 1 && Size(CommWorld) == 1)
        {
            throw new MpiException(
                $"the launcher started {expected} processes but {Path} ({Version}) sees one: it is not the MPI the launcher belongs to, so every process would run alone. Use that MPI's mpirun, or name its library in {LibraryVariable}.");
        }
    }

    // The number of processes the launcher says it started (Open MPI's mpirun, MPICH's hydra and PMI, Slurm's srun).
    private static int? LauncherSize()
    {
        foreach (string name in new[] { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "SLURM_NTASKS" })
        {
            if (int.TryParse(Environment.GetEnvironmentVariable(name), out int n))
            {
                return n;
            }
        }

        return null;
    }

    /// <summary>MPI_Finalize, if this process initialised MPI and it is not finalised yet.</summary>
    public void FinaliseIfOwned()
    {
        int flag;
        if (InitialisedHere && _finalized(&flag) == Success && flag == 0)
        {
            _finalize();
        }
    }

    public int Rank(nint comm)
    {
        int r;
        Check(_commRank(comm, &r), "MPI_Comm_rank");
        return r;
    }

    public int Size(nint comm)
    {
        int s;
        Check(_commSize(comm, &s), "MPI_Comm_size");
        return s;
    }

    /// <summary>A private duplicate of <paramref name="comm"/> (MPI_Comm_dup) with MPI_ERRORS_RETURN, so FastNmf's
    /// messages never mix with the host's and its failures come back as exceptions, the host's own handler untouched.</summary>
    public nint Duplicate(nint comm)
    {
        nint copy;
        if (Abi == MpiAbi.OpenMpi)
        {
            Check(_commDupOpenMpi(comm, &copy), "MPI_Comm_dup");
        }
        else
        {
            int handle;
            Check(_commDupMpich(comm, &handle), "MPI_Comm_dup");
            copy = handle;
        }

        try
        {
            Check(_commSetErrhandler(copy, ErrorsReturn), "MPI_Comm_set_errhandler");
            return copy;
        }
        catch
        {
            Free(copy);
            throw;
        }
    }

    /// <summary>MPI_Comm_free of a duplicate made by <see cref="Duplicate"/> (skipped once MPI is finalised).</summary>
    public void Free(nint comm)
    {
        if (!IsActive)
        {
            return;
        }

        if (Abi == MpiAbi.OpenMpi)
        {
            Check(_commFreeOpenMpi(&comm), "MPI_Comm_free");
        }
        else
        {
            int handle = (int)comm;
            Check(_commFreeMpich(&handle), "MPI_Comm_free");
        }
    }

    /// <summary>The communicator of a Fortran handle (MPI_Comm_f2c). Open MPI answers an unknown handle with NULL;
    /// the MPICH family's Fortran handle is the C one, checked by the first call on it.</summary>
    /// <exception cref="MpiException">Open MPI does not know the handle.</exception>
    public nint FromFortran(int handle)
    {
        nint comm = _commF2cOpenMpi == null ? handle : Abi == MpiAbi.OpenMpi ? _commF2cOpenMpi(handle) : _commF2cMpich(handle);
        return comm != 0 || Abi != MpiAbi.OpenMpi ? comm : throw new MpiException($"MPI_Comm_f2c({handle}): not a Fortran communicator handle of this MPI.");
    }

    public void Allreduce(void* values, int count, nint type, nint op, nint comm) =>
        Check(_allreduce((void*)InPlace, values, count, type, op, comm), "MPI_Allreduce");

    public void Sendrecv(void* send, int sendCount, int dest, void* receive, int receiveCount, int source, nint type, nint comm) =>
        Check(_sendrecv(send, sendCount, type, dest, 17, receive, receiveCount, type, source, 17, comm, (void*)StatusIgnore), "MPI_Sendrecv");

    public void Bcast(void* data, int count, nint type, int root, nint comm) => Check(_bcast(data, count, type, root, comm), "MPI_Bcast");

    public void Gatherv(void* send, int count, void* receive, int* counts, int* displacements, nint type, int root, nint comm) =>
        Check(_gatherv(send, count, type, receive, counts, displacements, type, root, comm), "MPI_Gatherv");

    /// <summary>MPI_Abort: ends every rank of <paramref name="comm"/> with <paramref name="code"/>.</summary>
    public void Abort(nint comm, int code) => _abort(comm, code);

    private void Check(int code, string call)
    {
        if (code == Success)
        {
            return;
        }

        // MPI_MAX_ERROR_STRING is 256 in Open MPI and 1024 in MPICH; more than either.
        const int capacity = 4096;
        byte* text = stackalloc byte[capacity];
        int length = 0;
        string reason = _errorString(code, text, &length) == Success ? Encoding.UTF8.GetString(text, Math.Clamp(length, 0, capacity)) : $"error code {code}";
        throw new MpiException($"{call} failed: {reason}");
    }

    private static nint Export(nint handle, string name) => NativeLibrary.TryGetExport(handle, name, out nint address)
        ? address
        : throw new MpiException($"the MPI library has no {name}.");

    // The library names to try: an explicit one, then the launcher's (Open MPI's mpirun sets OMPI_*, MPICH's hydra and
    // Slurm's PMI set PMI_*), then the rest.
    private const string LinkedName = "the program's own MPI";

    private static string[] Candidates()
    {
        var names = new List<string>();
        if (Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 } forced)
        {
            names.Add(forced);
        }

        string[] openMpi = ["libmpi.so.40", "libmpi.so.80"];
        string[] mpich = ["libmpich.so.12", "libmpi.so.12"];
        bool viaOpenMpi = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;
        names.AddRange(viaOpenMpi ? openMpi.Concat(mpich) : mpich.Concat(openMpi));
        names.Add("libmpi.so");
        return names.Distinct().ToArray();
    }

    // The MPI the program already holds (a host linked against one: its symbols are in the global scope), else the
    // first candidate that loads. FASTNMF_MPI_LIBRARY overrides both.
    private static (MpiLibrary?, string) LoadFirst()
    {
        var trace = new StringBuilder();
        bool forced = Environment.GetEnvironmentVariable(LibraryVariable) is { Length: > 0 };
        nint program = NativeLibrary.GetMainProgramHandle();
        bool linked = !forced && NativeLibrary.TryGetExport(program, "MPI_Get_library_version", out _);
        foreach (string name in linked ? [LinkedName] : Candidates())
        {
            nint handle = program;
            if (!linked && !NativeLibrary.TryLoad(name, out handle))
            {
                trace.Append($"{name}: not found; ");
                continue;
            }

            try
            {
                string version = LibraryVersion(handle);
                MpiAbi abi = version.Contains("Open MPI", StringComparison.OrdinalIgnoreCase) || version.Contains("Spectrum", StringComparison.OrdinalIgnoreCase)
                    || version.Contains("FUJITSU", StringComparison.OrdinalIgnoreCase)
                    ? MpiAbi.OpenMpi
                    : MpiAbi.Mpich;
                trace.Append($"{name}: {version} ({abi} ABI)");
                return (new MpiLibrary(handle, name, version, abi), trace.ToString());
            }
            catch (MpiException e)
            {
                trace.Append($"{name}: {e.Message}; ");
            }
        }

        return (null, trace.ToString().TrimEnd(' ', ';'));
    }

    // MPI_Get_library_version may be called before MPI_Init; MPICH's string is up to 8192 bytes.
    private static string LibraryVersion(nint handle)
    {
        var call = (delegate* unmanaged<byte*, int*, int>)Export(handle, "MPI_Get_library_version");
        byte[] buffer = new byte[8192];
        int length = 0;
        fixed (byte* b = buffer)
        {
            if (call(b, &length) != Success)
            {
                throw new MpiException("MPI_Get_library_version failed.");
            }
        }

        string text = Encoding.UTF8.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).TrimEnd('\0');
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "unknown MPI";
    }
}
