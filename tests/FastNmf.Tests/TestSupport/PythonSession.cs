using System.Diagnostics;
using System.Text.Json;

namespace FastNmf.Tests.TestSupport;

/// <summary>
/// One long-lived Python interpreter that executes scripts sent as JSON lines on its stdin, each with fresh globals
/// and its own <c>sys.argv</c>, answering one JSON line per request (scripts' own prints go to stderr). Requests are
/// serialised; the interpreter ends when the test process closes its stdin.
/// </summary>
internal sealed class PythonSession
{
    /// <summary>The interpreter.</summary>
    public const string Interpreter = "/usr/bin/python3";

    // The server loop: {"import": [...]} probes modules, {"script": ..., "args": [...]} runs one script.
    private const string Server = """
        import contextlib, importlib, json, sys, traceback
        for line in sys.stdin:
            request = json.loads(line)
            try:
                with contextlib.redirect_stdout(sys.stderr):
                    if "import" in request:
                        for name in request["import"]:
                            importlib.import_module(name)
                    else:
                        sys.argv = ["-c"] + request["args"]
                        try:
                            exec(compile(request["script"], "<test script>", "exec"), {"__name__": "__main__"})
                        except SystemExit as e:
                            if e.code not in (None, 0):
                                raise
                answer = {"error": None}
            except BaseException:
                answer = {"error": traceback.format_exc()}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
        """;

    private static readonly Lazy<PythonSession?> s_shared = new(Start);

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string?> _imports = [];

    private PythonSession(Process process) => _process = process;

    /// <summary>The session of this test run, or null where the interpreter is not installed.</summary>
    public static PythonSession? Shared => s_shared.Value;

    /// <summary>Imports <paramref name="modules"/> (once per set); returns null, or the error of the first that fails.</summary>
    public string? TryImport(string[] modules)
    {
        string key = string.Join(",", modules);
        lock (_gate)
        {
            if (!_imports.TryGetValue(key, out string? error))
            {
                error = Request(new Dictionary<string, object> { ["import"] = modules });
                _imports[key] = error;
            }

            return error;
        }
    }

    /// <summary>Runs <paramref name="script"/>; returns null, or the Python traceback.</summary>
    public string? Execute(string script, string[] args)
    {
        lock (_gate)
        {
            return Request(new Dictionary<string, object> { ["script"] = script, ["args"] = args });
        }
    }

    private string? Request(Dictionary<string, object> request)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(request));
        _process.StandardInput.Flush();
        string? line = _process.StandardOutput.ReadLine();
        if (line is null)
        {
            return $"the Python session ended (exit code {(_process.HasExited ? _process.ExitCode : -1)}).";
        }

        using JsonDocument answer = JsonDocument.Parse(line);
        JsonElement error = answer.RootElement.GetProperty("error");
        return error.ValueKind == JsonValueKind.Null ? null : error.GetString();
    }

    private static PythonSession? Start()
    {
        if (!File.Exists(Interpreter))
        {
            return null;
        }

        var info = new ProcessStartInfo(Interpreter)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Server);
        Process process = Process.Start(info)!;
        // Scripts' output and warnings go to stderr: drain it so the interpreter never blocks on a full pipe.
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            process.StandardInput.Close();
            process.Dispose();
        };
        return new PythonSession(process);
    }
}
