using System.CommandLine;

namespace FastNmf.Cli.Commands;

/// <summary>The options of <c>project</c>, shared by its one-process and distributed runs.</summary>
internal sealed record ProjectArguments(
    Argument<string> Model,
    Argument<string> Input,
    Option<string> Output,
    Option<string> MapConstraint,
    Option<int> Threads,
    Option<bool> Clip,
    InputOptionSet Reading);
