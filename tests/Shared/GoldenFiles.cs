using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Tests.Shared;

/// <summary>
/// Golden files: <c>Golden/&lt;case&gt;.input.json</c> is an upstream body, <c>&lt;case&gt;.expected.json</c>
/// the canonical JSON the adapter must make of it (raw omitted). Compared as indented JSON text, so
/// decimal scale (463.0 vs 463) and property order matter. <c>UPDATE_GOLDEN=1</c> rewrites the expected
/// files in the source tree (the folder <c>Golden</c> beside the calling test file's folder); review every
/// change against SPEC before keeping it. Linked into each adapter test project.
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

    public static void AssertMatches(string caseName, IEnumerable<Invoice> invoices, [CallerFilePath] string callerFile = "") =>
        AssertMatches(caseName, new JsonArray(invoices.Select(ToNode).ToArray()), callerFile);

    public static void AssertMatches(string caseName, Invoice invoice, [CallerFilePath] string callerFile = "") =>
        AssertMatches(caseName, ToNode(invoice), callerFile);

    private static JsonNode ToNode(Invoice invoice) => JsonNode.Parse(CanonicalJson.Serialize(invoice with { Raw = null }))!;

    private static void AssertMatches(string caseName, JsonNode actualNode, string callerFile)
    {
        var actual = actualNode.ToJsonString(Indented);
        var fileName = caseName + ".expected.json";
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var sourceFolder = Path.Combine(ProjectFolder(callerFile), "Golden");
            File.WriteAllText(Path.Combine(sourceFolder, fileName), actual + "\n", new UTF8Encoding(false));
            return;
        }

        var expectedPath = Path.Combine(OutputFolder, fileName);
        Assert.True(File.Exists(expectedPath), $"Golden file {fileName} is missing; run with UPDATE_GOLDEN=1 and review it.");
        var expected = JsonNode.Parse(File.ReadAllText(expectedPath))!.ToJsonString(Indented);
        Assert.Equal(expected, actual);
    }

    /// <summary>The test project's folder: the nearest folder above the calling file that holds a .csproj.</summary>
    private static string ProjectFolder(string callerFile)
    {
        var folder = new DirectoryInfo(Path.GetDirectoryName(callerFile)!);
        while (folder is not null && folder.GetFiles("*.csproj").Length == 0)
        {
            folder = folder.Parent;
        }

        return folder?.FullName ?? throw new InvalidOperationException($"No test project above {callerFile}.");
    }
}
