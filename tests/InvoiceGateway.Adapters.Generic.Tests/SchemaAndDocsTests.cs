using System.Text.Json;
using InvoiceGateway.Adapters.Generic.Mapping;
using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;

namespace InvoiceGateway.Adapters.Generic.Tests;

/// <summary>The schema and the README describe the format the loader checks; these tests keep them from drifting apart.</summary>
public class SchemaAndDocsTests
{
    private static readonly string AdapterDirectory = TestFiles.GenericAdapterDirectory;

    [Fact]
    public void Schema_IsShippedNextToTheBinaries()
    {
        Assert.True(File.Exists(Path.Combine(AppContext.BaseDirectory, "mapping.schema.json")));
    }

    [Fact]
    public void Schema_NamesExactlyTheRootKeysConvertersPagingKindsAndAuthTypesTheLoaderKnows()
    {
        using var schema = ReadSchema();
        var root = schema.RootElement;
        var defs = root.GetProperty("$defs");

        Assert.Equal(Sorted(MappingLoader.RootKeys), Sorted(Names(root.GetProperty("properties"))));
        Assert.Equal(Sorted(CanonicalFields.Converters), Sorted(Enum(defs.GetProperty("converter"))));
        Assert.Equal(Sorted(MappingLoader.PagingKinds), Sorted(Enum(defs.GetProperty("paging").GetProperty("properties").GetProperty("kind"))));
        Assert.Equal(Sorted(MappingLoader.AuthTypes), Sorted(Enum(defs.GetProperty("auth").GetProperty("properties").GetProperty("type"))));
    }

    [Fact]
    public void Schema_NamesExactlyTheCanonicalFieldsTheLoaderKnows()
    {
        using var schema = ReadSchema();
        var defs = schema.RootElement.GetProperty("$defs");
        var fields = new List<string>();
        Flatten(defs, defs.GetProperty("fields"), string.Empty, fields);

        var expected = CanonicalFields.Invoice.Keys.Append(CanonicalFields.Status).Append(CanonicalFields.Lines)
            .Append(CanonicalFields.Allocations).Append(CanonicalFields.PaymentAccounts);
        Assert.Equal(Sorted(expected), Sorted(fields));
        Assert.Equal(Sorted(CanonicalFields.Line.Keys), Sorted(Names(defs.GetProperty("lineFields").GetProperty("properties"))));
        Assert.Equal(Sorted(CanonicalFields.Allocation.Keys), Sorted(Names(defs.GetProperty("allocationFields").GetProperty("properties"))));
        Assert.Equal(Sorted(MappingLoader.StatusNames), Sorted(Enum(defs.GetProperty("statusName"))));
    }

    [Theory]
    [InlineData("ibana")]
    [InlineData("dollr")]
    public void BuiltInMapping_IsTheFileInMappings_AndNamesTheSchema(string name)
    {
        var file = File.ReadAllText(Path.Combine(AdapterDirectory, "Mappings", $"{name}.json"));

        Assert.Equal(file, MappingFile.ReadBuiltIn(name));
        using var document = JsonDocument.Parse(file);
        Assert.EndsWith("mapping.schema.json", document.RootElement.GetProperty("$schema").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_ShowsTheExampleAndTheIbanaMappingExactlyAsShipped()
    {
        var readme = Readme();

        Assert.Contains(File.ReadAllText(Path.Combine(AdapterDirectory, "Examples", "invoicely.json")).TrimEnd(), readme, StringComparison.Ordinal);
        Assert.Contains(MappingFile.ReadBuiltIn("ibana").TrimEnd(), readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_DocumentsEveryConverterPagingKindAndAuthType()
    {
        var readme = Readme();

        Assert.All(CanonicalFields.Converters, c => Assert.Contains($"| `{c}` |", readme, StringComparison.Ordinal));
        Assert.All(MappingLoader.PagingKinds, k => Assert.Contains($"| `{k}` |", readme, StringComparison.Ordinal));
        Assert.All(MappingLoader.AuthTypes, t => Assert.Contains($"`{t}`", readme, StringComparison.Ordinal));
    }

    [Fact]
    public void ExampleMapping_IsValid()
    {
        Assert.Empty(MappingFile.Validate(Path.Combine(AdapterDirectory, "Examples", "invoicely.json"), AdapterDirectory));
        Assert.Empty(MappingFile.Validate("Examples/invoicely.json", AdapterDirectory));
    }

    private static JsonDocument ReadSchema() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AdapterDirectory, "mapping.schema.json")));

    private static string Readme() => File.ReadAllText(Path.Combine(AdapterDirectory, "README.md"));

    private static void Flatten(JsonElement defs, JsonElement node, string prefix, List<string> into)
    {
        foreach (var property in node.GetProperty("properties").EnumerateObject())
        {
            var name = prefix + property.Name;
            var target = property.Value.TryGetProperty("$ref", out var reference)
                ? defs.GetProperty(reference.GetString()!["#/$defs/".Length..])
                : property.Value;
            var isGroup = target.TryGetProperty("properties", out _) && name is not (CanonicalFields.Status or CanonicalFields.Lines or CanonicalFields.Allocations);
            if (isGroup && !ReferenceIs(property.Value, "value"))
            {
                Flatten(defs, target, name + ".", into);
            }
            else
            {
                into.Add(name);
            }
        }
    }

    private static bool ReferenceIs(JsonElement node, string def) =>
        node.TryGetProperty("$ref", out var reference) && reference.GetString() == $"#/$defs/{def}";

    private static IEnumerable<string> Names(JsonElement properties) => properties.EnumerateObject().Select(p => p.Name);

    private static IEnumerable<string> Enum(JsonElement node) => node.GetProperty("enum").EnumerateArray().Select(e => e.GetString()!);

    private static string[] Sorted(IEnumerable<string> names) => [.. names.Order(StringComparer.Ordinal)];
}
