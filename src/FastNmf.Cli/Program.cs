using System.CommandLine;
using FastNmf.Cli.Commands;
using FastNmf.Cli.Output;
using FastNmf.Hdf5;

namespace FastNmf.Cli;

/// <summary>Entry point of <c>fastnmf</c>: verbs only; every computation lives in the FastNmf library.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        Terminal.UsePlainStreamsUnderLauncher();
        Hdf5Format.Register();
        var root = new RootCommand("FastNmf: constrained non-negative matrix factorization of 4D-STEM data.");
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(FactorizeCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(BackendsCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(PcaCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(ProjectCommand.Create());
        root.Subcommands.Add(LiveCommand.Create());
        root.Subcommands.Add(ReplayCommand.Create());
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && !args.Any(a => a is "--help" or "-h" or "-?"))
        {
            // Usage errors in the same one-line format as every other failure, exit code 2.
            string verb = parsed.CommandResult.Command is RootCommand ? string.Empty : parsed.CommandResult.Command.Name + " ";
            // Some parser messages list the allowed values on several lines; keep the one-line error contract.
            string message = string.Join(" ", parsed.Errors[0].Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(m => m.Trim()));
            Console.Error.WriteLine($"fastnmf: error: {message} (see 'fastnmf {verb}--help')");
            return 2;
        }

        if (args.Any(a => a is "--help" or "-h" or "-?"))
        {
            // The parser names the program after its host (FastNmf.Cli.dll, or dotnet's test host); the user typed fastnmf.
            using var help = new StringWriter();
            int code = parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = help });
            Console.Out.Write(help.ToString().Replace(root.Name + " ", "fastnmf ", StringComparison.Ordinal));
            return code;
        }

        return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
    }
}
