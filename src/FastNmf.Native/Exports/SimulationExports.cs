using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Native.Abi;
using FastNmf.Native.Data;
using FastNmf.Native.Errors;
using FastNmf.Simulation;

namespace FastNmf.Native.Exports;

/// <summary><c>fastnmf_simulate</c>: the paper's simulated data set written straight into the caller's buffer.</summary>
internal static unsafe class SimulationExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_simulate", CallConvs = [typeof(CallConvCdecl)])]
    public static int Simulate(NativeSimulation* simulation, float* output, nuint capacity, nuint* required)
    {
        try
        {
            LastError.Clear();
            SimulationOptions options = AbiStruct.Read(simulation, "simulation").ToOptions();
            SimulatedTruth truth = Simulator.Truth(options);
            int nUv = options.DetRows * options.DetCols;
            int nXy = options.ScanRows * options.ScanCols;
            OutputBuffer.Require((long)nUv * nXy, capacity, required, "out");
            CApiException.ThrowIfNull(output, "out");
            // Frame by frame into the caller's memory (each frame has its own noise stream, so the order is free).
            nint target = (nint)output;
            Parallel.For(0, nXy, j => Simulator.GenerateFrame(truth, j, new Span<float>((float*)target + ((long)j * nUv), nUv)));
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_simulate");
        }
    }
}
