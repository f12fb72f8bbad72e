using System.Runtime.InteropServices;
using System.Text;
using FastNmf.Blas;
using NUnit.Framework;

namespace FastNmf.Tests.Blas;

public sealed unsafe class VariadicEntryTests
{
    [Test]
    public void WithZeroAl_CallsTheVariadicFunctionWithItsArguments()
    {
        nint snprintf = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "snprintf");
        nint[]? thunks = VariadicEntry.WithZeroAl(snprintf);
        Assert.That(thunks, Is.Not.Null.And.Length.EqualTo(1), "x86-64 Linux can make executable trampolines");
        var call = (delegate* unmanaged[Cdecl]<byte*, nuint, byte*, int, long, int>)thunks![0];
        byte* buffer = stackalloc byte[32];
        byte[] format = Encoding.ASCII.GetBytes("%d,%ld\0");
        int written;
        fixed (byte* f = format)
        {
            written = call(buffer, 32, f, 42, 1L << 40);
        }

        Assert.That(Encoding.ASCII.GetString(buffer, written), Is.EqualTo($"42,{1L << 40}"));
    }

    [Test]
    public void WithZeroAl_NoOrNullTarget_GivesNull() =>
        Assert.Multiple(() =>
        {
            Assert.That(VariadicEntry.WithZeroAl(), Is.Null);
            Assert.That(VariadicEntry.WithZeroAl(0), Is.Null);
        });
}
