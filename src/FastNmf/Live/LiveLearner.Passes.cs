using System.Numerics.Tensors;
using FastNmf.Data;

namespace FastNmf.Live;

// The learner's passes over the frames kept: its start (the batch protocol on the first rows) and the batch
// iterations that refresh A and B with the current W.
public sealed unsafe partial class LiveLearner
{
    // The batch protocol on the first rows gives W; then every frame received so far is learned from.
    private void Start(int rows)
    {
        using UnfoldedData x = Recorded(rows);
        NmfOptions o = _options.Batch with { Iterations = _options.StartIterations, Restarts = 1, InitialW = null, InitialH = null, Tolerance = null };
        NmfResult start = Factorizer.Run(x, o);
        SetModel(start.Model.KeptW.ToArray());
        _nextRepass = 2L * Received; // the start fitted these frames: the first pass comes when they have doubled
        for (int j = 0; j < _n;)
        {
            if (_states[j] != PositionState.Received)
            {
                j++;
                continue;
            }

            int end = j;
            while (end < _n && _states[end] == PositionState.Received)
            {
                end++;
            }

            Learn(j, end - j);
            j = end;
        }
    }

    // Batch iterations over the frames received: every frame's h on the current W, [·]_H over the maps of the whole
    // scan rows received (as the batch protocol's H-step), then A and B from scratch with those h, then W.
    private void Repass(int passes)
    {
        int k = _k;
        for (int pass = 0; pass < passes; pass++)
        {
            ForEachReceivedRun((first, count) =>
            {
                for (int done = 0; done < count; done += Block)
                {
                    int m = Math.Min(Block, count - done);
                    Project(first + done, m);
                    ToMaps(first + done, m);
                }
            });
            SmoothWholeRows();
            Array.Clear(_a);
            Array.Clear(_b);
            ForEachReceivedRun((first, count) =>
            {
                for (int done = 0; done < count; done += Block)
                {
                    int m = Math.Min(Block, count - done);
                    for (int j = 0; j < m; j++)
                    {
                        for (int c = 0; c < k; c++)
                        {
                            _h[(j * k) + c] = _maps[((long)c * _n) + first + done + j];
                        }
                    }

                    Accumulate(first + done, m);
                }
            });
            Refresh();
            Repasses++;
        }
    }

    private void ForEachReceivedRun(Action<int, int> run)
    {
        for (int j = 0; j < _n;)
        {
            if (_states[j] != PositionState.Received)
            {
                j++;
                continue;
            }

            int end = j;
            while (end < _n && _states[end] == PositionState.Received)
            {
                end++;
            }

            run(j, end - j);
            j = end;
        }
    }

    // [·]_H on the maps of the scan rows received from the start (the rows below them are not there yet): the kernel,
    // then [·]₊, with the rows received taken as the whole map.
    private void SmoothWholeRows()
    {
        NmfOptions o = _options.Batch;
        int rows = _prefix / ScanCols;
        if (o.Method != NmfMethod.Constrained || o.MapConstraint != MapConstraint.Convolution || rows < 1)
        {
            return;
        }

        if (_smoothing is null || _smoothing.Rows != rows)
        {
            _smoothing = new Constraints.MapSmoothing(o.MapKernel, rows, ScanCols, _model!.Kernels.Convolution);
            _smoothed = new float[rows * ScanCols];
        }

        int values = rows * ScanCols;
        for (int c = 0; c < _k; c++)
        {
            Span<float> map = _maps.AsSpan((int)((long)c * _n), values);
            _smoothing.Convolve(map, _smoothed, 1);
            TensorPrimitives.Max(_smoothed.AsSpan(0, values), 0f, map);
        }
    }
}
