using System.Runtime.Intrinsics;
using FastNmf.Blas;
using FastNmf.Kernels;
using FastNmf.Kernels.Lanes;
using NUnit.Framework;

namespace FastNmf.Tests.Blas;

/// <summary>
/// CI runs the suite a second time as on a machine without native BLAS and without AVX-512. These tests prove the
/// settings of such a run took effect (a toggle that silently does nothing would make the run worthless); in an
/// ordinary run they check the other side.
/// </summary>
public sealed class EnvironmentMatrixTests
{
    [Test]
    public void NativeBlasDisabled_EveryBackendIsUnavailable_AndAskingForOneFailsWithTheReason()
    {
        if (Environment.GetEnvironmentVariable(NativeBlas.DisableVariable) != "1")
        {
            Assert.Ignore($"{NativeBlas.DisableVariable} is not set in this run.");
        }

        Assert.Multiple(() =>
        {
            Assert.That(NativeBlas.TryGet(KernelBackend.OpenBlas, out string trace), Is.Null);
            Assert.That(trace, Does.Contain(NativeBlas.DisableVariable));
            Assert.That(KernelSet.Create(null, KernelBackend.Auto).Backend, Is.EqualTo("managed"), "auto falls back to managed");
            Assert.That(() => KernelSet.Create(null, KernelBackend.Mkl),
                Throws.TypeOf<BackendUnavailableException>().With.Message.Contains("mkl is not available").And.Message.Contains(NativeBlas.DisableVariable));
        });
    }

    [Test]
    public void Avx512Disabled_LaneKernelsFallBackToVector256()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") != "0")
        {
            Assert.Ignore("DOTNET_EnableAVX512=0 is not set in this run.");
        }

        Assert.Multiple(() =>
        {
            Assert.That(Vector512.IsHardwareAccelerated, Is.False, "the runtime honoured the setting");
            Assert.That(KernelSet.AvailableLaneWidths, Does.Not.Contain(LaneWidth.Vector512));
            Assert.That(KernelSet.CreateDefault().SparseWidth, Is.Not.EqualTo(LaneWidth.Vector512));
        });
    }

    [Test]
    public void DefaultRun_PicksTheWidestAcceleratedLanes()
    {
        LaneWidth expected = Vector512.IsHardwareAccelerated ? LaneWidth.Vector512
            : Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? LaneWidth.Vector256
            : LaneWidth.Scalar;
        Assert.That(KernelSet.Create(null, KernelBackend.Managed).SparseWidth, Is.EqualTo(expected));
    }
}
