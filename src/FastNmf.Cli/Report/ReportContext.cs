using FastNmf.Analysis;
using FastNmf.Constraints;

namespace FastNmf.Cli.Report;

/// <summary>How to analyse and what to add that a result directory cannot say itself.</summary>
/// <param name="Analysis">Clustering settings (linkage, cut, polar centre and φ samples, mask).</param>
/// <param name="FallbackKernel">Map kernel for the resolution limit when summary.json records none (analyze of other
/// tools' factors), or null.</param>
/// <param name="Produced">What made the report ("fastnmf factorize", "fastnmf analyze DIR"), for the lead line.</param>
/// <param name="ResultDirectory">The directory the report will sit in once committed (its name titles the page; the
/// files are read from and written to a staging directory until then).</param>
internal sealed record ReportContext(AnalysisOptions Analysis, ConvolutionKernel? FallbackKernel, string Produced, string ResultDirectory);
