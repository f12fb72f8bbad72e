using FastNmf.IO;
using PureHDF;
using PureHDF.VOL.Native;

namespace FastNmf.Hdf5;

/// <summary>
/// Finds the 4D-STEM data set in an HDF5 file: the path the user gave (<c>file.h5:/path/to/data</c>; a group tagged as
/// an EMD data group stands for its <c>data</c>), else the one EMD 1.0 data group (attribute <c>emd_group_type = 1</c>
/// holding <c>data</c> and <c>dim1…</c>; py4DSTEM writes these, ≤ 0.12 under <c>4DSTEM_experiment/data/datacubes/</c>,
/// ≥ 0.13 through emdfile with a <c>python_class</c>/<c>py4dstem_class</c> attribute) holding a 4-D (or, with a scan
/// shape, 3-D) array, else the only 4-D numeric dataset, else the only 3-D one when a scan shape is given.
/// Anything else is a <see cref="DataFormatException"/> that lists the candidates.
/// </summary>
internal static class Hdf5DatasetFinder
{
    // A tree walk stops here: a corrupt or cyclic file (hard links can point back up) cannot make it run away.
    private const int MaxDepth = 24;
    private const int MaxObjects = 20_000;
    private const int ListedCandidates = 12;

    public static Hdf5DatasetInfo Find(string path, NativeFile file, string? datasetPath, bool stackAllowed)
    {
        if (!string.IsNullOrEmpty(datasetPath))
        {
            return FindGiven(path, file, datasetPath.StartsWith('/') ? datasetPath : "/" + datasetPath);
        }

        var all = new List<(Hdf5DatasetInfo Info, bool Emd)>();
        Walk(path, file, "", 0, all, new Counter());
        var usable = all.Where(c => c.Info.Rank == 4 || (stackAllowed && c.Info.Rank == 3)).ToList();
        var emd = usable.Where(c => c.Emd).Select(c => c.Info).ToList();
        if (emd.Count == 1)
        {
            return emd[0];
        }

        if (emd.Count > 1)
        {
            throw Ambiguous(path, "EMD data groups", emd);
        }

        foreach (int rank in stackAllowed ? new[] { 4, 3 } : [4])
        {
            var ofRank = usable.Where(c => c.Info.Rank == rank).Select(c => c.Info).ToList();
            if (ofRank.Count == 1)
            {
                return ofRank[0] with { Layout = $"only {rank}-D dataset" };
            }

            if (ofRank.Count > 1)
            {
                throw Ambiguous(path, $"{rank}-D datasets", ofRank);
            }
        }

        var stacks = all.Where(c => c.Info.Rank == 3).Select(c => c.Info).ToList();
        string found = all.Count == 0
            ? "it holds no numeric dataset"
            : "numeric datasets: " + List(all.Select(c => c.Info).ToList());
        string hint = !stackAllowed && stacks.Count > 0
            ? "; a 3-D stack (frames, det_rows, det_cols) needs --scan-shape ROWSxCOLS"
            : string.Empty;
        throw new DataFormatException(path, null, $"no 4-D dataset (scan_rows, scan_cols, det_rows, det_cols) found; {found}{hint}.");
    }

    private static Hdf5DatasetInfo FindGiven(string path, NativeFile file, string datasetPath)
    {
        IH5Object target = Hdf5Guard.Run(path, $"looking up {datasetPath}", () =>
            file.LinkExists(datasetPath) ? file.Get(datasetPath) : null!);
        if (target is null)
        {
            throw new DataFormatException(path, null, $"no object '{datasetPath}' in the file; {DescribeParent(path, file, datasetPath)}.");
        }

        if (target is NativeGroup group)
        {
            bool hasData = Hdf5Guard.Run(path, $"group {datasetPath}", () => group.LinkExists("data"));
            if (hasData && Hdf5Guard.Run(path, $"group {datasetPath}", () => group.Get("data")) is NativeDataset data)
            {
                return Describe(path, JoinPath(datasetPath, "data"), data, IsEmdGroup(path, datasetPath, group) ? "EMD 1.0" : "user path");
            }

            throw new DataFormatException(path, null, $"'{datasetPath}' is a group, not a dataset; it holds {ListChildren(path, group)}.");
        }

        if (target is not NativeDataset dataset)
        {
            throw new DataFormatException(path, null, $"'{datasetPath}' is a {target.GetType().Name}, not a dataset.");
        }

        return Describe(path, datasetPath, dataset, "user path");
    }

    private static void Walk(string path, NativeGroup group, string prefix, int depth, List<(Hdf5DatasetInfo, bool)> found, Counter seen)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        List<IH5Object> children = Hdf5Guard.Run(path, $"listing group {(prefix.Length == 0 ? "/" : prefix)}", () => group.Children().ToList());
        bool emd = depth > 0 && IsEmdGroup(path, prefix, group);
        foreach (IH5Object child in children)
        {
            if (++seen.Value > MaxObjects)
            {
                throw new DataFormatException(path, null, $"more than {MaxObjects} objects; name the dataset as FILE:/path/to/data.");
            }

            string name = JoinPath(prefix, Hdf5Guard.Run(path, $"group {prefix}", () => child.Name));
            if (child is NativeGroup sub)
            {
                Walk(path, sub, name, depth + 1, found, seen);
            }
            else if (child is NativeDataset ds && IsNumeric(path, name, ds))
            {
                string layout = !emd || !name.EndsWith("/data", StringComparison.Ordinal) ? "plain"
                    : name.Contains("/4DSTEM_experiment/data/datacubes/", StringComparison.Ordinal) ? "py4DSTEM (legacy)"
                    : HasAnyAttribute(path, group, "python_class", "py4dstem_class") ? "py4DSTEM"
                    : "EMD 1.0";
                found.Add((Describe(path, name, ds, layout), layout != "plain"));
            }
        }
    }

    private static Hdf5DatasetInfo Describe(string path, string datasetPath, NativeDataset dataset, string layout)
    {
        ulong[] dims = Hdf5Guard.Run(path, $"dataset {datasetPath}: dataspace", () => dataset.Space.Dimensions);
        return new Hdf5DatasetInfo(datasetPath, dataset, dims, layout);
    }

    private static bool IsNumeric(string path, string name, NativeDataset dataset) =>
        Hdf5Guard.Run(path, $"dataset {name}: datatype", () => dataset.Type.Class is H5DataTypeClass.FixedPoint or H5DataTypeClass.FloatingPoint);

    // EMD 1.0: a data group carries the integer attribute emd_group_type = 1 (emdfile's root group carries "root").
    private static bool IsEmdGroup(string path, string name, NativeGroup group) =>
        Hdf5Guard.Run(path, $"group {name}: attributes", () =>
        {
            if (!group.AttributeExists("emd_group_type"))
            {
                return false;
            }

            IH5Attribute a = group.Attribute("emd_group_type");
            return a.Type.Class == H5DataTypeClass.FixedPoint && a.Type.Size is 1 or 2 or 4 or 8 && ReadInteger(a) == 1;
        });

    private static long ReadInteger(IH5Attribute a) => a.Type.Size switch
    {
        1 => a.Read<byte>(),
        2 => a.Read<short>(),
        4 => a.Read<int>(),
        _ => a.Read<long>(),
    };

    private static bool HasAnyAttribute(string path, NativeGroup group, params string[] names) =>
        Hdf5Guard.Run(path, "attributes", () => names.Any(group.AttributeExists));

    private static string DescribeParent(string path, NativeFile file, string datasetPath)
    {
        string[] parts = datasetPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        NativeGroup parent = file;
        string at = "/";
        foreach (string part in parts[..^1])
        {
            string next = JoinPath(at == "/" ? "" : at, part);
            if (!Hdf5Guard.Run(path, $"looking up {next}", () => parent.LinkExists(part)) || Hdf5Guard.Run(path, $"looking up {next}", () => parent.Get(part)) is not NativeGroup g)
            {
                break;
            }

            parent = g;
            at = next;
        }

        return $"'{at}' holds {ListChildren(path, parent)}";
    }

    private static string ListChildren(string path, NativeGroup group)
    {
        List<string> names = Hdf5Guard.Run(path, "listing a group", () =>
            group.Children().Take(ListedCandidates + 1).Select(c => c is NativeGroup ? c.Name + "/" : c.Name).ToList());
        return names.Count == 0 ? "nothing" : string.Join(", ", names.Take(ListedCandidates)) + (names.Count > ListedCandidates ? ", …" : string.Empty);
    }

    private static DataFormatException Ambiguous(string path, string what, List<Hdf5DatasetInfo> candidates) =>
        new(path, null, $"{candidates.Count} {what} could hold the 4D-STEM data: {List(candidates)}; name one as FILE:/path/to/data.");

    private static string List(List<Hdf5DatasetInfo> infos) =>
        string.Join(", ", infos.Take(ListedCandidates).Select(i => i.Describe())) + (infos.Count > ListedCandidates ? ", …" : string.Empty);

    private static string JoinPath(string prefix, string name) => prefix.EndsWith('/') ? prefix + name : prefix + "/" + name;

    private sealed class Counter
    {
        public int Value;
    }
}
