using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Data;
using FastNmf.Live;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;
using FastNmf.Native.Handles;

namespace FastNmf.Native.Exports;

/// <summary>Learning live scans: W learned while the frames arrive (the paper's ALS sufficient statistics), then the
/// batch protocol warm-started from it; the parameters, the learner's counters, the finish, its agreement with the
/// learned W and the result as a model.</summary>
internal static unsafe class LiveLearnExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_learn_params_init", CallConvs = [typeof(CallConvCdecl)])]
    public static int ParamsInit(NativeLiveLearnParams* parameters, uint structSize)
    {
        try
        {
            LastError.Clear();
            AbiStruct.Init(parameters, structSize, NativeLiveLearnParams.Defaults, "learn");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_learn_params_init");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_create_learn", CallConvs = [typeof(CallConvCdecl)])]
    public static int Create(nint factorizer, NativeLiveLearnParams* learn, int detRows, int detCols, int scanRows, int scanCols, nint* output)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(output, "out");
            *output = 0;
            NativeLiveLearnParams p = learn == null ? NativeLiveLearnParams.Defaults : AbiStruct.Read(learn, "learn");
            if (detRows < 1 || detCols < 1 || scanRows < 2 || scanCols < 1)
            {
                throw new CApiException(Status.InvalidArgument, $"detector {detRows}×{detCols}, scan {scanRows}×{scanCols}: the detector needs a row and a column, the scan two rows (W starts on whole rows) and a column.");
            }

            using Lease<Session> lease = Sessions.Enter(factorizer);
            Session f = lease.Session;
            NmfOptions batch = f.RunOptions;
            PixelMap pixels = PixelMap.Create(detRows, detCols, f.Mask);
            var learner = new LiveLearner(pixels, scanRows, scanCols, p.ToOptions(batch));
            *output = Sessions.Lives.Add(new LiveSession(learner, pixels, batch.Components));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_create_learn");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_get_learning", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetLearning(nint live, int* startPositions, int* refreshes, int* passes, int* reseeds)
    {
        try
        {
            LastError.Clear();
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            LiveLearner learner = lease.Value.RequireLearner("fastnmf_live_get_learning");
            Set(startPositions, learner.StartPositions);
            Set(refreshes, learner.Refreshes);
            Set(passes, learner.Repasses);
            Set(reseeds, learner.Reseeds);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_get_learning");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_finish", CallConvs = [typeof(CallConvCdecl)])]
    public static int Finish(nint live, int* finished)
    {
        try
        {
            LastError.Clear();
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            LiveSession session = lease.Value;
            LiveLearner learner = session.RequireLearner("fastnmf_live_finish");
            if (!learner.IsComplete)
            {
                throw new CApiException(Status.InvalidArgument, "fastnmf_live_finish: the scan is not complete (call fastnmf_live_complete first).");
            }

            session.Learned ??= learner.Finish();
            Set(finished, session.Learned.Finished is null ? 0 : 1);
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_finish");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_get_agreement", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetAgreement(nint live, double* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            LiveSession session = lease.Value;
            session.RequireLearner("fastnmf_live_get_agreement");
            IReadOnlyList<double> agreement = session.Learned?.Agreement
                ?? throw new CApiException(Status.NoResult, session.Learned is null
                    ? "no finish yet: call fastnmf_live_finish after fastnmf_live_complete."
                    : $"the finish was skipped: {session.Learned.FinishSkipped}.");
            Data.OutputBuffer.Require(agreement.Count, capacity, required, "out");
            CApiException.ThrowIfNull(output, "out");
            for (int c = 0; c < agreement.Count; c++)
            {
                output[c] = agreement[c];
            }

            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_get_agreement");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_live_get_model", CallConvs = [typeof(CallConvCdecl)])]
    public static int GetModel(nint live, nint* output)
    {
        try
        {
            LastError.Clear();
            CApiException.ThrowIfNull(output, "out");
            *output = 0;
            using Lease<LiveSession> lease = Sessions.Lives.Enter(live);
            *output = Sessions.Models.Add(new ModelSession(lease.Value.CurrentModel()));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_live_get_model");
        }
    }

    private static void Set(int* target, int value)
    {
        if (target != null)
        {
            *target = value;
        }
    }
}
