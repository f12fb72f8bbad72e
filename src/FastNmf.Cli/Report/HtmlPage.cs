using System.Net;
using System.Text;

namespace FastNmf.Cli.Report;

/// <summary>
/// A self-contained HTML page: inline CSS, images as base64 PNG data URIs, no script and nothing fetched, so the file
/// opens offline in any browser and can be mailed or archived as one file. Text is HTML-encoded here; callers pass
/// plain text.
/// </summary>
internal sealed class HtmlPage
{
    private const string Style = """
        body { font-family: "DejaVu Sans", Verdana, sans-serif; margin: 24px auto; max-width: 1400px; padding: 0 16px; color: #202020; background: #fff; line-height: 1.45; }
        h1 { font-size: 1.6em; margin-bottom: 0.2em; }
        h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 3px; margin-top: 1.8em; }
        p.lead, p.note { color: #555; }
        nav a { margin-right: 1em; }
        table { border-collapse: collapse; margin: 0.6em 0 1em; font-size: 0.92em; }
        th, td { border: 1px solid #d0d0d0; padding: 3px 9px; text-align: left; vertical-align: top; }
        th { background: #f3f3f3; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 0.8em 0 1.6em; }
        figure img { max-width: 100%; height: auto; border: 1px solid #e2e2e2; }
        figcaption { color: #444; font-size: 0.92em; max-width: 1100px; margin-top: 4px; }
        .selector { margin: 0.4em 0; }
        .selector label { margin-right: 1.2em; cursor: pointer; }
        .variant { display: none; }
        """;

    private readonly StringBuilder _body = new();
    private readonly StringBuilder _css = new();
    private readonly List<(string Id, string Title)> _sections = [];

    /// <summary>Number of &lt;img&gt; elements written.</summary>
    public int Images { get; private set; }

    /// <summary>Starts a section with an &lt;h2&gt; that the table of contents links to.</summary>
    public void Section(string id, string title)
    {
        _sections.Add((id, title));
        _body.Append("<section id=\"").Append(Encode(id)).Append("\"><h2>").Append(Encode(title)).AppendLine("</h2>");
    }

    /// <summary>Ends the current section.</summary>
    public void EndSection() => _body.AppendLine("</section>");

    /// <summary>A paragraph of plain text; <paramref name="cssClass"/> "note" greys it.</summary>
    public void Paragraph(string text, string? cssClass = null) =>
        _body.Append(cssClass is null ? "<p>" : $"<p class=\"{cssClass}\">").Append(Encode(text)).AppendLine("</p>");

    /// <summary>A table with a header row; cells that parse as numbers are right-aligned.</summary>
    public void Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        _body.Append("<table><thead><tr>");
        foreach (string h in header)
        {
            _body.Append("<th>").Append(Encode(h)).Append("</th>");
        }

        _body.AppendLine("</tr></thead><tbody>");
        foreach (IReadOnlyList<string> row in rows)
        {
            _body.Append("<tr>");
            foreach (string cell in row)
            {
                bool numeric = double.TryParse(cell, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
                _body.Append(numeric ? "<td class=\"num\">" : "<td>").Append(Encode(cell)).Append("</td>");
            }

            _body.AppendLine("</tr>");
        }

        _body.AppendLine("</tbody></table>");
    }

    /// <summary>A two-column label/value table.</summary>
    public void KeyValues(IEnumerable<(string Label, string Value)> rows)
    {
        _body.AppendLine("<table><tbody>");
        foreach ((string label, string value) in rows)
        {
            _body.Append("<tr><th>").Append(Encode(label)).Append("</th><td>").Append(Encode(value)).AppendLine("</td></tr>");
        }

        _body.AppendLine("</tbody></table>");
    }

    /// <summary>An embedded PNG with its caption.</summary>
    public void Figure(byte[] png, string alt, string caption, string? file = null)
    {
        _body.AppendLine("<figure>");
        AppendImage(png, alt);
        AppendCaption(caption, file);
        _body.AppendLine("</figure>");
    }

    /// <summary>
    /// Pre-rendered variants of one figure with radio buttons to choose between them — pure CSS (a checked radio shows
    /// its variant), so the page stays script-free. The first variant is selected.
    /// </summary>
    public void Variants(string group, IReadOnlyList<(string Label, byte[] Png, string Alt)> variants, string caption, string? files = null)
    {
        _body.Append("<figure><div class=\"selector\">");
        for (int i = 0; i < variants.Count; i++)
        {
            string id = $"{group}-{i}";
            _body.Append("<label><input type=\"radio\" name=\"").Append(group).Append("\" id=\"").Append(id).Append('"')
                .Append(i == 0 ? " checked" : string.Empty).Append("> ").Append(Encode(variants[i].Label)).Append("</label>");
            _css.Append("\nbody:has(#").Append(id).Append(":checked) .").Append(id).Append(" { display: block; }");
        }

        _body.AppendLine("</div>");
        for (int i = 0; i < variants.Count; i++)
        {
            _body.Append("<div class=\"variant ").Append(group).Append('-').Append(i).Append("\">");
            AppendImage(variants[i].Png, variants[i].Alt);
            _body.AppendLine("</div>");
        }

        AppendCaption(caption, files);
        _body.AppendLine("</figure>");
    }

    /// <summary>Appends another page's sections (body, table-of-contents entries and style rules) to this one.</summary>
    public void Append(HtmlPage other)
    {
        _body.Append(other._body);
        _css.Append(other._css);
        _sections.AddRange(other._sections);
        Images += other.Images;
    }

    /// <summary>The whole document.</summary>
    public string Render(string title, string lead)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">")
            .AppendLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).AppendLine("</title>")
            .Append("<style>").Append(Style).Append(_css).AppendLine("</style></head><body>")
            .Append("<h1>").Append(Encode(title)).AppendLine("</h1>")
            .Append("<p class=\"lead\">").Append(Encode(lead)).AppendLine("</p><nav>");
        foreach ((string id, string t) in _sections)
        {
            html.Append("<a href=\"#").Append(Encode(id)).Append("\">").Append(Encode(t)).Append("</a>");
        }

        html.AppendLine("</nav>").Append(_body).AppendLine("</body></html>");
        return html.ToString();
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private void AppendImage(byte[] png, string alt)
    {
        Images++;
        _body.Append("<img alt=\"").Append(Encode(alt)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).AppendLine("\">");
    }

    private void AppendCaption(string caption, string? file)
    {
        _body.Append("<figcaption>").Append(Encode(caption));
        if (file is not null)
        {
            _body.Append(" <span class=\"note\">(also saved as ").Append(Encode(file)).Append(")</span>");
        }

        _body.AppendLine("</figcaption>");
    }
}
