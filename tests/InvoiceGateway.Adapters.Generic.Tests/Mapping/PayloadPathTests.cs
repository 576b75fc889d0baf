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
}
