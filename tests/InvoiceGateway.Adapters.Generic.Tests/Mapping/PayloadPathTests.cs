using System.Text.Json;
using InvoiceGateway.Adapters.Generic.Mapping;

namespace InvoiceGateway.Adapters.Generic.Tests.Mapping;

public class PayloadPathTests
{
    private const string Payload = """
        {"a":{"b":{"c":"deep"}},"n":null,"list":[{"x":1},{"x":2,"y":{"z":3}},{"y":{"z":4}}],"grid":[{"row":[{"v":1},{"v":2}]},{"row":[{"v":3}]}]}
        """;

    [Theory]
    [InlineData("a.b.c", "\"deep\"")]
    [InlineData("$.a.b.c", "\"deep\"")]
    [InlineData("list[1].y.z", "3")]
    [InlineData("list[0]", "{\"x\":1}")]
    public void TryGet_WhenThePathReachesAValue_ReturnsIt(string text, string expected)
    {
        using var document = JsonDocument.Parse(Payload);
        Assert.True(PayloadPath.TryParse(text, out var path, out _));

        Assert.True(path.TryGet(document.RootElement, out var value));
        Assert.Equal(expected, value.GetRawText());
    }

    [Theory]
    [InlineData("a.x")]
    [InlineData("n")]
    [InlineData("a.b.c.d")]
    [InlineData("list[9].x")]
    [InlineData("a[0]")]
    public void TryGet_WhenTheValueIsMissingNullOrOfAnotherKind_IsAbsent(string text)
    {
        using var document = JsonDocument.Parse(Payload);
        Assert.True(PayloadPath.TryParse(text, out var path, out _));

        Assert.False(path.TryGet(document.RootElement, out _));
    }

    [Fact]
    public void Collect_WhenThePathProjects_GivesEveryPresentValueInOrder()
    {
        using var document = JsonDocument.Parse(Payload);
        Assert.True(PayloadPath.TryParse("grid[].row[].v", out var grid, out _));
        Assert.True(PayloadPath.TryParse("list[].y.z", out var list, out _));
        var values = new List<JsonElement>();

        grid.Collect(document.RootElement, values);
        list.Collect(document.RootElement, values);

        Assert.True(grid.Projects);
        Assert.Equal(["1", "2", "3", "3", "4"], values.Select(v => v.GetRawText()));
    }

    [Theory]
    [InlineData("$")]
    [InlineData("")]
    public void TryParse_WhenTheRoot_GivesTheValueItself(string text)
    {
        using var document = JsonDocument.Parse("[1,2]");
        Assert.True(PayloadPath.TryParse(text, out var path, out _));

        Assert.True(path.IsRoot);
        Assert.True(path.TryGet(document.RootElement, out var value));
        Assert.Equal(JsonValueKind.Array, value.ValueKind);
    }

    [Theory]
    [InlineData("a..b")]
    [InlineData("a.")]
    [InlineData("[0]")]
    [InlineData("a[0")]
    [InlineData("a]")]
    [InlineData("a[-1]")]
    [InlineData("a[0]b")]
    [InlineData(" a")]
    [InlineData("$a")]
    public void TryParse_WhenTheSyntaxIsBad_GivesAReason(string text)
    {
        Assert.False(PayloadPath.TryParse(text, out _, out var error));
        Assert.Contains($"'{text}' is not a path", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// While an entry is indexed (<see cref="EntryProperties"/>, opened by the normalizer), every path answers as the
    /// property scan does: repeated names (the last wins), escaped names (the entry is then scanned), absent and null
    /// values, nested and projected paths, and elements that are not the indexed entry.
    /// </summary>
    [Theory]
    [InlineData("""{"id":"first","id":"last","n":null,"o":{"id":"inner"}}""")]
    [InlineData("""{"\u0069d":"escaped","o":{"id":"inner"},"n":null}""")]
    [InlineData("""{"o":{"id":"inner"},"list":[{"id":1},{"id":2}],"Ünïcode":"ü"}""")]
    public void TryGet_WhileTheEntryIsIndexed_AnswersAsTheScan(string json)
    {
        using var document = JsonDocument.Parse(json);
        var entry = document.RootElement;
        string[] texts = ["id", "n", "o.id", "o", "missing", "list[1].id", "Ünïcode", "o.missing"];
        var paths = texts.Select(t => PayloadPath.TryParse(t, out var path, out _) ? path : throw new InvalidOperationException(t)).ToArray();
        var scanned = paths.Select(p => (p.TryGet(entry, out var v), v.ValueKind == JsonValueKind.Undefined ? null : v.GetRawText())).ToArray();
        var collected = paths.Select(p => Collect(p, entry)).ToArray();
        var inner = paths[0].TryGet(entry.TryGetProperty("o", out var o) ? o : default, out var innerId) ? innerId.GetRawText() : null;

        using (EntryProperties.Open(entry))
        {
            var indexed = paths.Select(p => (p.TryGet(entry, out var v), v.ValueKind == JsonValueKind.Undefined ? null : v.GetRawText())).ToArray();
            Assert.Equal(scanned, indexed);
            Assert.Equal(collected, paths.Select(p => Collect(p, entry)).ToArray());
            Assert.True(paths[0].TryGet(o, out var stillInner));
            Assert.Equal(inner, stillInner.GetRawText());
        }

        static string Collect(PayloadPath path, JsonElement entry)
        {
            var found = new List<JsonElement>();
            path.Collect(entry, found, includeMissing: true);
            return string.Join("|", found.Select(f => f.ValueKind == JsonValueKind.Undefined ? "-" : f.GetRawText()));
        }
    }
}
