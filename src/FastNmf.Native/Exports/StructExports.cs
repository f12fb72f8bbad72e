using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Exports;

/// <summary>The <c>*_init</c> functions that fill the versioned structs with their defaults.</summary>
internal static unsafe class StructExports
{
    [UnmanagedCallersOnly(EntryPoint = "fastnmf_params_init", CallConvs = [typeof(CallConvCdecl)])]
    public static int ParamsInit(NativeParams* parameters, uint structSize)
    {
        try
        {
            LastError.Clear();
            AbiStruct.Init(parameters, structSize, NativeParams.Defaults, "params");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_params_init");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_simulation_init", CallConvs = [typeof(CallConvCdecl)])]
    public static int SimulationInit(NativeSimulation* simulation, uint structSize)
    {
        try
        {
            LastError.Clear();
            AbiStruct.Init(simulation, structSize, NativeSimulation.Defaults, "simulation");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_simulation_init");
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "fastnmf_layout_init", CallConvs = [typeof(CallConvCdecl)])]
    public static int LayoutInit(NativeLayout* layout, uint structSize, int scanRows, int scanCols, int detRows, int detCols)
    {
        try
        {
            LastError.Clear();
            if (scanRows < 1 || scanCols < 1 || detRows < 1 || detCols < 1)
            {
                throw new CApiException(Status.BadLayout, $"shape ({scanRows}, {scanCols}, {detRows}, {detCols}) has a dimension below 1.");
            }

            var l = new NativeLayout
            {
                StructSize = (uint)sizeof(NativeLayout),
                ScanRows = scanRows,
                ScanCols = scanCols,
                DetRows = detRows,
                DetCols = detCols,
                StrideDetCol = 1,
                StrideDetRow = detCols,
                StrideScanCol = (long)detRows * detCols,
                StrideScanRow = (long)scanCols * detRows * detCols,
            };
            AbiStruct.Init(layout, structSize, l, "layout");
            return (int)Status.Ok;
        }
        catch (Exception e)
        {
            return ErrorBoundary.Fail(e, "fastnmf_layout_init");
        }
    }
}
