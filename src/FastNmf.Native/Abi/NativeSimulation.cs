using System.Runtime.InteropServices;
using FastNmf.Simulation;

namespace FastNmf.Native.Abi;

/// <summary><c>fastnmf_simulation</c>: the paper's simulated data set (40 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeSimulation
{
    public uint StructSize;
    public int ScanRows;
    public int ScanCols;
    public int DetRows;
    public int DetCols;
    public int Crystals;
    public double Dose;
    public ulong Seed;

    /// <summary>The paper's data set (the defaults of <see cref="SimulationOptions"/>).</summary>
    public static unsafe NativeSimulation Defaults
    {
        get
        {
            var o = new SimulationOptions();
            return new NativeSimulation
            {
                StructSize = (uint)sizeof(NativeSimulation),
                ScanRows = o.ScanRows,
                ScanCols = o.ScanCols,
                DetRows = o.DetRows,
                DetCols = o.DetCols,
                Crystals = o.Crystals,
                Dose = o.Dose,
                Seed = o.Seed,
            };
        }
    }

    public readonly SimulationOptions ToOptions() => new()
    {
        ScanRows = ScanRows,
        ScanCols = ScanCols,
        DetRows = DetRows,
        DetCols = DetCols,
        Crystals = Crystals,
        Dose = Dose,
        Seed = Seed,
    };
}
