using System.Diagnostics;

namespace FastNmf.Cli.Output;

/// <summary>
/// Shows restart, iteration and MSE: a single self-updating line on a terminal, plain lines (every 50 iterations and at
/// the end of each restart) when output is redirected, so logs stay readable.
/// </summary>
internal sealed class ProgressDisplay
{
    private readonly int _iterations;
    private readonly int _restarts;
    private readonly bool _live;
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private bool _pendingLine;

    public ProgressDisplay(int iterations, int restarts)
    {
        _iterations = iterations;
        _restarts = restarts;
        _live = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "dumb");
    }

    public void Report(IterationStats s)
    {
        bool last = s.Iteration + 1 == _iterations;
        string line = $"restart {s.Restart + 1}/{_restarts}  iteration {s.Iteration + 1,4}/{_iterations}  MSE {s.Mse:F6}  ‖ΔW‖₁ {s.DeltaW:E2}  ‖ΔH‖₁ {s.DeltaH:E2}";
        if (_live)
        {
            if (s.Iteration == 0)
            {
                Finish();
            }

            if (last || s.Iteration == 0 || _sinceDraw.ElapsedMilliseconds >= 100)
            {
                Console.Write($"\r{line}\u001b[K");
                _pendingLine = true;
                _sinceDraw.Restart();
            }
        }
        else if (last || (s.Iteration + 1) % 50 == 0)
        {
            Console.WriteLine(line);
        }
    }

    /// <summary>Ends the live line, if one is showing.</summary>
    public void Finish()
    {
        if (_pendingLine)
        {
            Console.WriteLine();
            _pendingLine = false;
        }
    }
}
