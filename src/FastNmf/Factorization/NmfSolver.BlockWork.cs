using System.Numerics.Tensors;
using FastNmf.Kernels.Reductions;
using FastNmf.Kernels.Threading;
using FastNmf.Memory;

namespace FastNmf.Factorization;

/// <summary>This rank's share of an iteration's reductions: per (restart, canonical block), the local maxima that bound
/// the sums, then the block's partial sums folded onto the shared grids.</summary>
internal sealed unsafe partial class NmfSolver
{
    // Runs over (restart, block) pairs on the team; each thread keeps its own maxima or folded sums (exact, so merging the
    // threads' in any order gives the same bits).
    private sealed class BlockWork : ITeamWork
    {
        private readonly NmfSolver _s;
        private readonly double[][] _maxima;
        private readonly double[][] _sums;
        private readonly double[][] _gram;
        private bool _bounds;

        public BlockWork(NmfSolver solver, int threads, int batch)
        {
            _s = solver;
            int k = solver._k;
            _maxima = Enumerable.Range(0, threads).Select(_ => new double[2 * k * batch]).ToArray();
            _sums = Enumerable.Range(0, threads).Select(_ => new double[solver._reduction.SmallPerRestart * batch]).ToArray();
            _gram = Enumerable.Range(0, threads).Select(_ => new double[k * k]).ToArray();
        }

        /// <summary>max_j |h_cj| (and with monitoring max_j |b_cj|) over this rank's frames, into the reduction's bounds.</summary>
        public void RunBounds(int count)
        {
            _bounds = true;
            foreach (double[] m in _maxima)
            {
                Array.Clear(m);
            }

            _s._team.Run(this, count * _s._blocks.Length);
            Span<double> bounds = _s._reduction.Bounds;
            foreach (double[] m in _maxima)
            {
                for (int i = 0; i < bounds.Length; i++)
                {
                    bounds[i] = Math.Max(bounds[i], m[i]);
                }
            }
        }

        /// <summary>The block partials of every active restart's small sums, folded, into the reduction's sums.</summary>
        public void RunPartials(int count)
        {
            _bounds = false;
            foreach (double[] m in _sums)
            {
                Array.Clear(m);
            }

            _s._team.Run(this, count * _s._blocks.Length);
            int per = _s._reduction.SmallPerRestart;
            for (int r = 0; r < count; r++)
            {
                Span<double> small = _s._reduction.Small(r);
                small.Clear();
                foreach (double[] m in _sums)
                {
                    ReadOnlySpan<double> mine = m.AsSpan(r * per, per);
                    for (int i = 0; i < per; i++)
                    {
                        small[i] += mine[i];
                    }
                }
            }
        }

        public void Execute(int part, int start, int end)
        {
            int blocks = _s._blocks.Length;
            for (int item = start; item < end; item++)
            {
                int r = item / blocks;
                if (!_s._active[r])
                {
                    continue;
                }

                (int f0, int n) = _s._blocks[item % blocks];
                if (_bounds)
                {
                    Maxima(r, f0, n, _maxima[part]);
                }
                else
                {
                    Partials(r, f0, n, part);
                }
            }
        }

        private void Maxima(int r, int f0, int n, double[] into)
        {
            int k = _s._k;
            MatrixView h = _s._ws.Of(_s._ws.HView, r).ColumnSlice(f0, n);
            MatrixView b = _s._ws.Of(_s._ws.BView, r).ColumnSlice(f0, n);
            int bOffset = k * _s._ws.Batch;
            for (int c = 0; c < k; c++)
            {
                int i = (r * k) + c;
                into[i] = Math.Max(into[i], Math.Abs(TensorPrimitives.MaxMagnitude(h.Row(c))));
                if (_s._monitor)
                {
                    into[bOffset + i] = Math.Max(into[bOffset + i], Math.Abs(TensorPrimitives.MaxMagnitude(b.Row(c))));
                }
            }
        }

        // HHᵀ of the block (in double), and with monitoring Σ_c b_c·h_c, Σ_c ‖h_c − h_c,old‖₁ and Σ_c ‖h_c‖₁ over it.
        private void Partials(int r, int f0, int n, int part)
        {
            int k = _s._k;
            int kk = k * k;
            ReadOnlySpan<double> magic = _s._reduction.Magic(r);
            Span<double> acc = _sums[part].AsSpan(r * _s._reduction.SmallPerRestart, _s._reduction.SmallPerRestart);
            MatrixView h = _s._ws.Of(_s._ws.HView, r).ColumnSlice(f0, n);
            double[] gram = _gram[part];
            _s.Kernels.Products.Gram(h, gram);
            for (int i = 0; i < kk; i++)
            {
                ExactFold.Add2(gram[i], magic[i], magic[kk + i], ref acc[i], ref acc[kk + i]);
            }

            if (!_s._monitor)
            {
                return;
            }

            MatrixView b = _s._ws.Of(_s._ws.BView, r).ColumnSlice(f0, n);
            MatrixView old = _s._ws.Of(_s._ws.HNextView, r).ColumnSlice(f0, n);
            double cross = 0, delta = 0, l1 = 0;
            for (int c = 0; c < k; c++)
            {
                cross += DoubleReductions.Dot(b.Row(c), h.Row(c));
                delta += DoubleReductions.L1Distance(h.Row(c), old.Row(c));
                l1 += TensorPrimitives.SumOfMagnitudes(h.Row(c));
            }

            int s = 2 * kk;
            ExactFold.Add2(cross, magic[s], magic[s + 1], ref acc[s], ref acc[s + 1]);
            ExactFold.Add2(delta, magic[s + 2], magic[s + 3], ref acc[s + 2], ref acc[s + 3]);
            ExactFold.Add2(l1, magic[s + 4], magic[s + 5], ref acc[s + 4], ref acc[s + 5]);
        }
    }
}
