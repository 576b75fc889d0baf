using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.SendRegning.Tests.Support;

/// <summary>
/// Golden files: <c>Golden/&lt;case&gt;.input.json</c> is an upstream body, <c>&lt;case&gt;.expected.json</c>
/// the canonical JSON the adapter must make of it (raw omitted). Compared as indented JSON text, so
/// decimal scale (463.0 vs 463) and property order matter. <c>UPDATE_GOLDEN=1</c> rewrites the expected
/// files in the source tree; review every change against SPEC before keeping it.
/// </summary>
internal static class GoldenFiles
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static string OutputFolder => Path.Combine(AppContext.BaseDirectory, "Golden");

    public static TheoryData<string> Cases()
    {
        var cases = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(OutputFolder, "*.input.json").Order(StringComparer.Ordinal))
        {
            cases.Add(Path.GetFileName(file)[..^".input.json".Length]);
        }

        return cases;
    }

    public static string Input(string name) => File.ReadAllText(Path.Combine(OutputFolder, name));

    public static void AssertMatches(string caseName, IEnumerable<Invoice> invoices) =>
        AssertMatches(caseName, new JsonArray(invoices.Select(ToNode).ToArray()));

    public static void AssertMatches(string caseName, Invoice invoice) => AssertMatches(caseName, ToNode(invoice));

    private static JsonNode ToNode(Invoice invoice) => JsonNode.Parse(CanonicalJson.Serialize(invoice with { Raw = null }))!;

    private static void AssertMatches(string caseName, JsonNode actualNode, [CallerFilePath] string thisFile = "")
    {
        var actual = actualNode.ToJsonString(Indented);
        var fileName = caseName + ".expected.json";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var sourceFolder = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!, "Golden");
            File.WriteAllText(Path.Combine(sourceFolder, fileName), actual + "\n", new UTF8Encoding(false));
            return;
        }

        var expectedPath = Path.Combine(OutputFolder, fileName);
        Assert.True(File.Exists(expectedPath), $"Golden file {fileName} is missing; run with UPDATE_GOLDEN=1 and review it.");
        var expected = JsonNode.Parse(File.ReadAllText(expectedPath))!.ToJsonString(Indented);
        Assert.Equal(expected, actual);
    }
}
