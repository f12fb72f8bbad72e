using System.Runtime.InteropServices;
using FastNmf.Live;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_live_learn_params</c>: how a learning live scan starts, refreshes W and finishes (40 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeLiveLearnParams
{
    public uint StructSize;
    public int StartFrames;
    public int RefreshFrames;
    public int Passes;
    public int FinalPasses;
    public int StartIterations;
    public int FinishIterations;
    public int Reserved;
    public double ForgetFactor;

    /// <summary>The defaults of <see cref="LiveLearnOptions"/>.</summary>
    public static unsafe NativeLiveLearnParams Defaults
    {
        get
        {
            var o = new LiveLearnOptions { Batch = new NmfOptions { Components = 1 } };
            return new NativeLiveLearnParams
            {
                StructSize = (uint)sizeof(NativeLiveLearnParams),
                StartFrames = o.StartFrames,
                RefreshFrames = o.RefreshFrames,
                Passes = o.Repasses,
                FinalPasses = o.FinalRepasses,
                StartIterations = o.StartIterations,
                FinishIterations = o.FinishIterations,
                ForgetFactor = o.ForgetFactor,
            };
        }
    }

    /// <summary>The learner's options with <paramref name="batch"/> as its protocol (checked by the learner: a value out
    /// of range is INVALID_ARGUMENT naming the setting).</summary>
    public readonly LiveLearnOptions ToOptions(NmfOptions batch) =>
        new()
        {
            Batch = batch,
            StartFrames = StartFrames,
            RefreshFrames = RefreshFrames,
            Repasses = Passes,
            FinalRepasses = FinalPasses,
            StartIterations = StartIterations,
            FinishIterations = FinishIterations,
            ForgetFactor = ForgetFactor,
        };
}
