using System.Diagnostics;

namespace FastNmf.Cli.Output;

/// <summary>
/// Shows progress one line per iteration, summarised over the restarts that reported it (restarts advance together in a
/// batch, or one after another): a self-updating line on a terminal, plain lines every 50 iterations and at the last
/// when output is redirected, so logs stay readable.
/// </summary>
internal sealed class ProgressDisplay
{
    private readonly int _iterations;
    private readonly int _restarts;
    private readonly bool _live;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private bool _pendingLine;
    private int _iteration = -1;
    private int _firstRestart;
    private int _lastRestart = -1;
    private int _reported;
    private double _minMse;
    private double _maxMse;
    private double _maxDeltaW;
    private double _maxDeltaH;

    public ProgressDisplay(int iterations, int restarts)
    {
        _iterations = iterations;
        _restarts = restarts;
        _live = Terminal.IsLive;
    }

    public void Report(IterationStats s)
    {
        if (s.Iteration != _iteration || s.Restart <= _lastRestart)
        {
            Flush();
            _iteration = s.Iteration;
            _firstRestart = s.Restart;
            _reported = 0;
            _minMse = double.PositiveInfinity;
            _maxMse = double.NegativeInfinity;
            _maxDeltaW = 0;
            _maxDeltaH = 0;
        }

        _lastRestart = s.Restart;
        _reported++;
        _minMse = Math.Min(_minMse, s.Mse);
        _maxMse = Math.Max(_maxMse, s.Mse);
        _maxDeltaW = Math.Max(_maxDeltaW, s.DeltaW);
        _maxDeltaH = Math.Max(_maxDeltaH, s.DeltaH);
        if (_live && _sinceDraw.ElapsedMilliseconds >= 100)
        {
            Draw();
        }
    }

    /// <summary>Writes the pending iteration's line and ends the live line; calling it again writes nothing.</summary>
    public void Finish()
    {
        Flush();
        _iteration = -1;
        if (_pendingLine)
        {
            Console.WriteLine();
            _pendingLine = false;
        }
    }

    private void Flush()
    {
        if (_iteration < 0)
        {
            return;
        }

        if (_live)
        {
            Draw();
        }
        else if ((_iteration + 1) % 50 == 0 || _iteration + 1 == _iterations)
        {
            Console.WriteLine(Line());
        }
    }

    private void Draw()
    {
        Console.Write($"\r{Line()}\u001b[K");
        _pendingLine = true;
        _sinceDraw.Restart();
    }

    private string Line()
    {
        string who = _reported == 1
            ? $"restart {_firstRestart + 1}/{_restarts}"
            : $"restarts {_firstRestart + 1}–{_lastRestart + 1}/{_restarts}";
        string mse = _reported == 1 ? $"{_minMse:F6}" : $"{_minMse:F6}–{_maxMse:F6}";
        return $"iteration {_iteration + 1,4}/{_iterations}  {who}  MSE {mse}  max ‖ΔW‖₁ {_maxDeltaW:E2}  max ‖ΔH‖₁ {_maxDeltaH:E2}";
    }
}
