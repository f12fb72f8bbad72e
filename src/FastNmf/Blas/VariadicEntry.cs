using System.Runtime.InteropServices;

namespace FastNmf.Blas;

/// <summary>
/// Entry points for calling C functions declared variadic (<c>f(a, b, ...)</c>) from .NET on x86-64 Linux. The System V
/// convention has the caller of a variadic function put the number of vector registers it used in AL; a .NET function
/// pointer call leaves AL holding whatever it held. MKL's variadic DFTI functions save the vector registers in their
/// prologue when AL is nonzero, with AVX-512 instructions in MKL 2020 — a SIGILL on a processor without AVX-512 (seen on
/// Zen 3). <see cref="WithZeroAl"/> returns 16-byte trampolines, <c>xor eax, eax; jmp [target]</c>, so the call enters
/// with AL = 0, which is exact for integer and pointer arguments.
/// </summary>
internal static unsafe partial class VariadicEntry
{
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;
    private const int ThunkBytes = 16;

    /// <summary>
    /// One trampoline per target, all in a page of their own that is written once and then made executable (never
    /// writable again, so no running trampoline ever sits in a page being rewritten); null where executable memory
    /// cannot be made (not x86-64 Linux, a target of 0, or a policy that forbids it). The page lives for the process.
    /// </summary>
    public static nint[]? WithZeroAl(params nint[] targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        int page = Environment.SystemPageSize;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux()
            || targets.Length == 0 || targets.Length * ThunkBytes > page || targets.Contains(0))
        {
            return null;
        }

        nint p = Mmap(0, (nuint)page, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (p == -1 || p == 0)
        {
            return null;
        }

        var thunks = new nint[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            byte* t = (byte*)p + (i * ThunkBytes);
            t[0] = 0x31; // xor eax, eax
            t[1] = 0xC0;
            t[2] = 0xFF; // jmp qword ptr [rip + 0]
            t[3] = 0x25;
            *(int*)(t + 4) = 0;
            *(long*)(t + 8) = targets[i];
            thunks[i] = (nint)t;
        }

        return Mprotect(p, (nuint)page, ProtRead | ProtExec) == 0 ? thunks : null;
    }

    [LibraryImport("libc.so.6", EntryPoint = "mmap")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc.so.6", EntryPoint = "mprotect")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int Mprotect(nint address, nuint length, int protection);
}
