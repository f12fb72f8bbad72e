namespace FastNmf;

/// <summary>Which library runs the dense products with X.</summary>
public enum KernelBackend
{
    /// <summary>The fastest available: the measured order is OpenBLAS, MKL, then the managed kernels.</summary>
    Auto,

    /// <summary>FastNmf's own System.Runtime.Intrinsics / TensorPrimitives kernels (always available).</summary>
    Managed,

    /// <summary>OpenBLAS (Debian: libopenblas0-pthread), through its CBLAS interface.</summary>
    OpenBlas,

    /// <summary>Intel MKL (Debian non-free: libmkl-rt, or oneAPI; <c>FASTNMF_MKL_PATH</c> names a libmkl_rt.so), through its CBLAS interface.</summary>
    Mkl,
}
