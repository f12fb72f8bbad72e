using System.CommandLine;
using FastNmf.Cli.Commands;

namespace FastNmf.Cli;

/// <summary>Entry point of <c>fastnmf</c>: verbs only; every computation lives in the FastNmf library.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("FastNmf: constrained non-negative matrix factorization of 4D-STEM data.");
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(FactorizeCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        return root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
