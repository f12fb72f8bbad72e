using System.Runtime.InteropServices;
using FastNmf.Live;
using FastNmf.Native.Errors;

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

    /// <summary>The learner's options with <paramref name="batch"/> as its protocol; a value out of range is INVALID_ARGUMENT naming the field.</summary>
    public readonly LiveLearnOptions ToOptions(NmfOptions batch)
    {
        Check(StartFrames, "start_frames");
        Check(RefreshFrames, "refresh_frames");
        Check(Passes, "passes");
        Check(FinalPasses, "final_passes");
        Check(FinishIterations, "finish_iterations");
        if (StartIterations < 1)
        {
            throw new CApiException(Status.InvalidArgument, $"learn->start_iterations {StartIterations}: at least 1.");
        }

        if (!(ForgetFactor is > 0 and <= 1))
        {
            throw new CApiException(Status.InvalidArgument, $"learn->forget_factor {ForgetFactor}: between 0 (exclusive) and 1.");
        }

        return new LiveLearnOptions
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

    private static void Check(int value, string field)
    {
        if (value < 0)
        {
            throw new CApiException(Status.InvalidArgument, $"learn->{field} {value}: 0 or more.");
        }
    }
}
