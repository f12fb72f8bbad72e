using FastNmf.Constraints;
using FastNmf.Kernels.Threading;

namespace FastNmf.Factorization;

/// <summary>
/// <see cref="NmfOptions.RemoveAmorphousShare"/> after Step 4: per restart of the last <see cref="ConstrainWWork"/> run
/// (k consecutive table entries each), the reference and every row's share from the fill's baselines on the calling
/// thread, then the rows over the team (<see cref="SymmetricShareRemoval"/>; each row alone, the reference untouched: the
/// same bits on any team). Owns its per-thread scratch; allocation-free per run.
/// </summary>
internal sealed class SymmetricShareWork : ITeamWork
{
    private readonly ConstrainWWork _rows;
    private readonly double[] _alpha;
    private readonly int[] _reference;
    private readonly float[][] _scratch;

    public SymmetricShareWork(ConstrainWWork rows, int threads, int maxComponents, int rowLength)
    {
        _rows = rows;
        _alpha = new double[maxComponents];
        _reference = new int[maxComponents];
        _scratch = Enumerable.Range(0, threads).Select(_ => new float[rowLength]).ToArray();
    }

    /// <summary>Removes the shares from the rows the last constraint run listed (nothing when it had no fill).</summary>
    public void Run(int k, WorkerTeam? team)
    {
        int radii = _rows.Radii, count = _rows.Count;
        if (radii == 0)
        {
            return;
        }

        for (int first = 0; first + k <= count; first += k)
        {
            ReadOnlySpan<double> baselines = _rows.Baselines.Slice(first * radii, k * radii);
            int a = SymmetricShareRemoval.MostSymmetric(baselines, k, radii, _rows.PixelsPerRadius);
            for (int c = 0; c < k; c++)
            {
                _reference[first + c] = first + Math.Max(a, 0);
                _alpha[first + c] = a < 0 || c == a ? 0 : SymmetricShareRemoval.Share(baselines, c, a, radii);
            }
        }

        if (team is null)
        {
            Execute(0, 0, count);
        }
        else
        {
            team.Run(this, count);
        }
    }

    public void Execute(int part, int start, int end)
    {
        for (int i = start; i < end; i++)
        {
            SymmetricShareRemoval.Remove(_rows.Row(i), _rows.Row(_reference[i]), _alpha[i], _scratch[part]);
        }
    }
}
