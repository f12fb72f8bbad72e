using System.Runtime.InteropServices;

namespace FastNmf.Blas;

/// <summary>
/// Entry points for calling C functions declared variadic (<c>f(a, b, ...)</c>) from .NET on x86-64 Linux. The System V
/// convention has the caller of a variadic function put the number of vector registers it used in AL; a .NET function
/// pointer call leaves AL holding whatever it held. MKL's variadic DFTI functions save the vector registers in their
/// prologue when AL is nonzero, with AVX-512 instructions in MKL 2020 — a SIGILL on a processor without AVX-512 (seen on
/// Zen 3). <see cref="WithZeroAl"/> returns a 16-byte trampoline, <c>xor eax, eax; jmp [target]</c>, in a page of
/// executable memory, so the call enters with AL = 0, which is exact for integer and pointer arguments.
/// </summary>
internal static unsafe partial class VariadicEntry
{
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int ProtExec = 4;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;
    private const int ThunkBytes = 16;

    private static readonly object s_gate = new();
    private static byte* s_page;
    private static int s_used;

    /// <summary>A trampoline to <paramref name="target"/> that clears AL first, or 0 where executable memory cannot be
    /// made (not x86-64, or a policy forbids it); the trampolines live for the process.</summary>
    public static nint WithZeroAl(nint target)
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64 || !OperatingSystem.IsLinux() || target == 0)
        {
            return 0;
        }

        lock (s_gate)
        {
            int page = Environment.SystemPageSize;
            if (s_page == null || s_used + ThunkBytes > page)
            {
                nint p = Mmap(0, (nuint)page, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
                if (p == -1 || p == 0)
                {
                    return 0;
                }

                s_page = (byte*)p;
                s_used = 0;
            }

            byte* t = s_page + s_used;
            // Writable while it is written, executable (never both) afterwards.
            if (Mprotect((nint)s_page, (nuint)page, ProtRead | ProtWrite) != 0)
            {
                return 0;
            }

            t[0] = 0x31; // xor eax, eax
            t[1] = 0xC0;
            t[2] = 0xFF; // jmp qword ptr [rip + 0]
            t[3] = 0x25;
            *(int*)(t + 4) = 0;
            *(long*)(t + 8) = target;
            if (Mprotect((nint)s_page, (nuint)page, ProtRead | ProtExec) != 0)
            {
                return 0;
            }

            s_used += ThunkBytes;
            return (nint)t;
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "mmap")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc.so.6", EntryPoint = "mprotect")]
    [UnmanagedCallConv(CallConvs = [typeof(System.Runtime.CompilerServices.CallConvCdecl)])]
    private static partial int Mprotect(nint address, nuint length, int protection);
}
