using System.CommandLine;

namespace FastNmf.Cli.Commands;

/// <summary>The options of <c>factorize</c>, shared by its one-process and distributed runs.</summary>
internal sealed record FactorizeArguments(
    Argument<string> Input,
    Option<string> Output,
    Option<bool> Clip,
    Option<bool> Report,
    Option<string?> Truth,
    Option<string?> InitFrom,
    Option<bool> Distributed,
    SolverOptionSet Solver,
    AnalysisOptionSet Analysis,
    InputOptionSet Reading);
