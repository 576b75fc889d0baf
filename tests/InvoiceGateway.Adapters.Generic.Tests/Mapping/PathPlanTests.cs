using System.Text;
using System.Text.Json;
using InvoiceGateway.Adapters.Generic.Mapping;
using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Mapping;

public class PathPlanTests
{
    private static readonly string[] Texts =
    [
        "id", "n", "a", "a.b", "a.b.c", "a.missing", "a.b.c.d", "o.id", "list", "list[1].id", "list[].id", "list[].y.z",
        "Ünïcode", "deep.x.y.z", "deep.x.w", "s.t",
    ];

    /// <summary>
    /// A path read from the slot a plan's one walk filled answers exactly as the lookup in the element does: nested and
    /// shared prefixes, absent and null values, values of another kind on the way, arrays after the planned steps; and
    /// where the walk cannot index the object (a repeated or escaped name, at any depth it visits) it says so, and the
    /// lookups answer.
    /// </summary>
    [Theory]
    [InlineData("""{"id":"x","n":null,"a":{"b":{"c":"deep"}},"o":{"id":"inner"},"list":[{"id":1},{"id":2,"y":{"z":3}}]}""", true)]
    [InlineData("""{"a":{"b":null},"n":1,"o":[{"id":1}],"list":{"id":1},"deep":{"x":{"y":{"z":true},"w":[1]}}}""", true)]
    [InlineData("""{"a":"text","o":null,"list":[],"Ünïcode":"ü","deep":{"x":null},"s":{"t":{"u":1}}}""", true)]
    [InlineData("""{"a":{"b":{"c":1},"other":{"b":2}},"other":{"a":{"b":{"c":"no"}}},"s":7}""", true)]
    [InlineData("""{}""", true)]
    [InlineData("""{"id":"first","id":"last"}""", false)]
    [InlineData("""{"a":{"b":{"c":"first"}},"a":{"x":1}}""", false)]
    [InlineData("""{"a":{"b":{"c":"first","c":"last"}}}""", false)]
    [InlineData("""{"\u0069d":"escaped"}""", false)]
    [InlineData("""{"a":{"b":{"\u0063":"escaped"}}}""", false)]
    [InlineData("""{"a":{"\u0062":{"c":"escaped"}}}""", false)]
    [InlineData("""{"other":{"x":1,"x":2,"\u0078":1},"id":"repeats and escapes in objects the plan does not name"}""", true)]
    public void Slots_AnswerAsTheLookups(string json, bool indexed)
    {
        using var document = JsonDocument.Parse(json);
        var element = document.RootElement;
        var plan = new PathPlan();
        var paths = Texts.Select(t => PayloadPath.TryParse(t, out var path, out _) ? path : throw new InvalidOperationException(t)).ToArray();
        foreach (var path in paths)
        {
            plan.Register(path);
        }

        var slots = plan.TryIndex(element);

        Assert.Equal(indexed, slots is not null);
        var entry = new Entry(element, slots);
        Assert.Equal(paths.Select(p => Read(p, element)), paths.Select(p => Read(p, entry)));
        Assert.Equal(paths.Select(p => Collect(p, element)), paths.Select(p => Collect(p, entry)));
    }

    [Fact]
    public void AnArrayOrAScalar_IsNotIndexed()
    {
        var plan = new PathPlan();
        plan.Register(PayloadPath.TryParse("a", out var path, out _) ? path : throw new InvalidOperationException());
        using var document = JsonDocument.Parse("""[{"a":1}, "a"]""");

        Assert.Null(plan.TryIndex(document.RootElement));
        Assert.Null(plan.TryIndex(document.RootElement[1]));
        Assert.False(path.TryGet(new Entry(document.RootElement, null), out _));
    }

    /// <summary>A slot array given back is cleared: the next object's walk starts from nothing.</summary>
    [Fact]
    public void ASecondObject_DoesNotSeeTheFirstOnesValues()
    {
        var plan = new PathPlan();
        var path = PayloadPath.TryParse("a.b", out var parsed, out _) ? parsed : throw new InvalidOperationException();
        plan.Register(path);
        using var first = JsonDocument.Parse("""{"a":{"b":1}}""");
        using var second = JsonDocument.Parse("""{"c":2}""");

        var slots = plan.TryIndex(first.RootElement)!;
        Assert.True(path.TryGet(new Entry(first.RootElement, slots), out _));
        plan.Return(slots);
        var again = plan.TryIndex(second.RootElement);

        Assert.Same(slots, again);
        Assert.False(path.TryGet(new Entry(second.RootElement, again), out _));
    }

    /// <summary>
    /// Entries the plan cannot index are normalized through the lookups, with the JSON reading of repeated names (the
    /// last wins, nested objects not merged) and escaped names; lines likewise.
    /// </summary>
    [Fact]
    public void Normalize_WithRepeatedAndEscapedNames_ReadsAsTheLookups()
    {
        const string fields = """
            "number": "n",
            "recipient": { "name": "party.name", "email": "party.email" },
            "lines": { "path": "items", "fields": { "description": "d", "gross": "g" } }
            """;
        var plain = Normalize(fields, """{"id":1,"n":"A","party":{"email":"x@example.com"},"items":[{"d":"one","g":2},{"d":"two","g":3}]}""");
        var repeated = Normalize(fields,
            """{"id":1,"n":"A","party":{"name":"gone"},"party":{"email":"x@example.com"},"items":[{"d":"one","g":1,"g":2},{"\u0064":"two","g":3}]}""");

        Assert.Null(repeated.Recipient!.Name);
        Assert.Equal(Json(plain), Json(repeated));
    }

    private static (bool Found, string? Value) Read(PayloadPath path, Entry entry) =>
        path.Projects ? (false, null) : (path.TryGet(entry, out var value), value.ValueKind == JsonValueKind.Undefined ? null : value.GetRawText());

    private static string Collect(PayloadPath path, Entry entry)
    {
        var found = new List<JsonElement>();
        path.Collect(entry, found, includeMissing: true);
        return string.Join("|", found.Select(f => f.ValueKind == JsonValueKind.Undefined ? "-" : f.GetRawText()));
    }

    private static string Json(Invoice invoice) => JsonSerializer.Serialize(invoice with { Raw = null });

    internal static Invoice Normalize(string fields, string entry)
    {
        var json = $$"""{ "list": { "path": "invoices" }, "fields": { "sourceId": "id", {{fields}} } }""";
        var (mapping, problems) = MappingLoader.Load("test.json", Encoding.UTF8.GetBytes(json));
        Assert.Empty(problems);
        var source = new SourceDescriptor { Name = "test", BaseUrl = new Uri("http://127.0.0.1:9/"), Time = Sources.Today };
        using var document = JsonDocument.Parse(entry);
        return mapping!.Normalizer.Normalize(document.RootElement, new NormalizeSettings(source, "EUR", InvoiceDirection.Payable));
    }
}
