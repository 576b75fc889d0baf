using InvoiceGateway.Adapters.Generic.Tests.Infrastructure;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Mapping;

public class MappingValidationTests : IDisposable
{
    private const string ValidList = """ "list": { "path": "invoices", "paging": { "kind": "none" } } """;

    private readonly TempMappings _files = new();

    public void Dispose()
    {
        _files.Dispose();
        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData("ibana")]
    [InlineData("dollr")]
    [InlineData("IBANA")]
    public void Validate_WhenBuiltInMapping_ReturnsNoProblems(string name)
    {
        Assert.Empty(MappingFile.Validate(name, _files.Root));
    }

    [Fact]
    public void Validate_WhenAFieldIsUnknown_NamesTheFileThePathAndTheField()
    {
        var file = _files.Write("unknown-field.json", Mapping(""" "sourceId": "id", "dueDat": "due" """));

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.StartsWith("mapping 'unknown-field.json': $.fields.dueDat: 'dueDat' is not a field of the canonical invoice", problem, StringComparison.Ordinal);
        Assert.Contains("'dueDate'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenAFieldOfAGroupIsUnknown_ListsTheFieldsOfThatGroup()
    {
        var file = _files.Write("group.json", Mapping(""" "sourceId": "id", "totals": { "grossAmount": "total" } """));

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.StartsWith("mapping 'group.json': $.fields.totals.grossAmount: 'grossAmount' is not a field of 'totals'", problem, StringComparison.Ordinal);
        Assert.Contains("'gross'", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a..b", "empty step")]
    [InlineData("items[x].amount", "'[x]' must be '[]'")]
    [InlineData("items[0", "'[' without ']'")]
    [InlineData(".due", "empty step")]
    [InlineData("$due", "after '$'")]
    [InlineData("items[].due", "reaches many values")]
    public void Validate_WhenAPathIsBad_SaysWhatIsWrongWithIt(string path, string expected)
    {
        var file = _files.Write("bad-path.json", Mapping($$""" "sourceId": "id", "dueDate": { "path": "{{path}}" } """));

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.StartsWith("mapping 'bad-path.json': $.fields.dueDate.path: ", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenAConverterIsUnknown_ListsTheConverters()
    {
        var file = _files.Write("converter.json", Mapping(""" "sourceId": "id", "totals": { "gross": { "path": "total", "convert": "money" } } """));

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.StartsWith("mapping 'converter.json': $.fields.totals.gross.convert: 'money' is not a converter", problem, StringComparison.Ordinal);
        Assert.Contains("'multiply'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenAConverterGivesTheWrongType_NamesBothTypes()
    {
        var file = _files.Write("type.json", Mapping(""" "sourceId": "id", "dueDate": { "path": "due", "convert": "decimal" } """));

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.Equal("mapping 'type.json': $.fields.dueDate.convert: the converter 'decimal' gives a decimal, but 'dueDate' holds a date", problem);
    }

    [Fact]
    public void Validate_WhenAValueHasTheWrongJsonType_SaysWhatWasExpected()
    {
        var file = _files.Write("json-type.json", """
            {
              "list": { "path": "invoices", "summaries": "yes", "paging": { "kind": "page", "sizeParam": "size", "pageSize": "ten", "stop": "shortPage" } },
              "fields": { "sourceId": 7 }
            }
            """);

        var problems = MappingFile.Validate(file, _files.Root);

        Assert.Contains("mapping 'json-type.json': $.list.summaries: is the string 'yes'; true or false was expected", problems);
        Assert.Contains("mapping 'json-type.json': $.list.paging.pageSize: is the string 'ten'; a whole number from 1 to 10000 was expected", problems);
        Assert.Contains(problems, p => p.StartsWith("mapping 'json-type.json': $.fields.sourceId: is the number 7;", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WhenSeveralThingsAreWrong_ListsEveryProblem()
    {
        var file = _files.Write("many.json", """
            {
              "$schema": "mapping.schema.json",
              "colour": "blue",
              "auth": { "type": "token" },
              "list": { "path": "/invoices", "paging": { "kind": "pages" } },
              "detail": { "path": "invoice/id" },
              "fields": {
                "number": "invoice..number",
                "kind": "type",
                "issueDate": { "path": "date", "convert": "date", "formats": ["yyyy-MM-dd", 5] },
                "status": { "path": "state", "map": { "done": "finished" } },
                "lines": { "path": "items", "fields": { "amount": "amount", "gross": { "convert": "multiply", "of": ["qty"] } } }
              }
            }
            """);

        var problems = MappingFile.Validate(file, _files.Root);

        string[] expected =
        [
            "$.colour: unknown key 'colour'",
            "$.auth: 'tokenExchange' is required for auth type 'token'",
            "$.list.path: '/invoices' must not start with '/'",
            "$.list.paging.kind: 'pages' is not a paging kind",
            "$.detail.path: 'invoice/id' must hold '{id}' exactly once",
            "$.fields.number: 'invoice..number' is not a path",
            "$.fields.kind: 'map' is required for the converter 'valueMap'",
            "$.fields.issueDate.formats[1]: is the number 5",
            "$.fields.status.map.done: is the string 'finished'; a status was expected",
            "$.fields.lines.fields.amount: 'amount' is not a field of a canonical line",
            "$.fields.lines.fields.gross.of: needs at least two paths",
            "$.fields: 'sourceId' is required",
        ];
        AssertProblems("many.json", expected, problems);
    }

    [Fact]
    public void Validate_WhenTheFileIsNotJson_GivesTheLineOfTheError()
    {
        var file = _files.Write("broken.json", "{\n  \"list\": { \"path\": \"x\" \n  \"fields\": {}\n}");

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.StartsWith("mapping 'broken.json': $: is not valid JSON (line 3", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenTheFileDoesNotExist_SaysWhereItWasLookedFor()
    {
        var problem = Assert.Single(MappingFile.Validate("missing.json", _files.Root));

        Assert.StartsWith("mapping 'missing.json': no such file at ", problem, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_files.Root, "missing.json"), problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenTheMappingUsesCommentsAndTrailingCommas_AcceptsThem()
    {
        var file = _files.Write("comments.json", """
            {
              // the simplest useful mapping
              "list": { "path": "invoices", },
              "fields": { "sourceId": "id", },
            }
            """);

        Assert.Empty(MappingFile.Validate(file, _files.Root));
    }

    [Fact]
    public void Validate_WhenStatusRulesAreContradictory_ReportsIt()
    {
        var file = _files.Write("status.json", Mapping("""
            "sourceId": "id",
            "status": { "path": "state", "map": { "OPEN": "open", "open": "paid" }, "overdueFromDueDate": ["OPEN"], "paidWhen": { "path": "paid", "equals": "yes", "convert": "boolean" } }
            """));

        var problems = MappingFile.Validate(file, _files.Root);

        Assert.Contains(problems, p => p.StartsWith("mapping 'status.json': $.fields.status.map.open: the key 'open' appears twice", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("mapping 'status.json': $.fields.status.overdueFromDueDate[0]: 'OPEN' is also in 'map'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("mapping 'status.json': $.fields.status.paidWhen.equals: is the string 'yes'", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Validate_WhenAStatusMapsToOverdue_FailsWithAMessageSayingOverdueIsComputed()
    {
        var file = _files.Write("overdue.json", Mapping("""
            "sourceId": "id",
            "status": { "path": "state", "map": { "LATE": "overdue", "PAID": "paid" }, "absent": "overdue" }
            """));

        var problems = MappingFile.Validate(file, _files.Root);

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("'overdue' is not a status: the gateway computes 'overdue' itself from dueDate", p, StringComparison.Ordinal));
        Assert.StartsWith("mapping 'overdue.json': $.fields.status.map.LATE: ", problems[0], StringComparison.Ordinal);
        Assert.Contains("map this value to 'open'", problems[0], StringComparison.Ordinal);
        Assert.StartsWith("mapping 'overdue.json': $.fields.status.absent: ", problems[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenOpenAndItsOlderNameAreBothGiven_AsksForOne_AndTheOlderNameAloneStillWorks()
    {
        var both = _files.Write("both.json", Mapping("""
            "sourceId": "id", "status": { "path": "state", "open": ["NEW"], "overdueFromDueDate": ["SENT"] }
            """));
        var older = _files.Write("older.json", Mapping("""
            "sourceId": "id", "status": { "path": "state", "overdueFromDueDate": ["SENT"] }
            """));

        var problem = Assert.Single(MappingFile.Validate(both, _files.Root));

        Assert.Equal("mapping 'both.json': $.fields.status.overdueFromDueDate: is the older name of 'open'; give only 'open'", problem);
        Assert.Empty(MappingFile.Validate(older, _files.Root));
    }

    [Fact]
    public void Validate_WhenNewKeysAreMisused_ListsEveryProblem()
    {
        var file = _files.Write("new-keys.json", Mapping("""
            "sourceId": "id",
            "totals": { "gross": { "path": "cents", "scale": 12 }, "net": { "path": "n", "convert": "string", "scale": 2 } },
            "number": { "convert": "ordinal" },
            "notes": { "convert": "join", "of": [] },
            "payment": { "iban": "iban", "accounts": [ { "iban": "a.iban", "bic": "a.bic" }, {} ] },
            "allocations": { "path": "splits", "taxBreakdown": "both", "fields": { "amount": "amt", "share": "s" } },
            "lines": { "path": "items", "fields": { "position": { "convert": "ordinal", "path": "x" } } }
            """));

        var problems = MappingFile.Validate(file, _files.Root);

        string[] expected =
        [
            "$.fields.totals.gross.scale: is the number 12; the number of decimals of the minor unit was expected",
            "$.fields.totals.net.scale: does not apply to the converter 'string'",
            "$.fields.totals.net.convert: the converter 'string' gives text, but 'totals.net' holds a decimal",
            "$.fields.number.convert: the converter 'ordinal' gives a whole number, but 'number' holds text",
            "$.fields.notes.of: needs at least one path to join",
            "$.fields.payment.accounts: 'accounts' replaces 'iban' and 'bic'",
            "$.fields.allocations.taxBreakdown: 'both' is not a tax breakdown",
            "$.fields.allocations.fields.share: 'share' is not a field of an allocation",
            "$.fields.lines.fields.position.path: does not apply to the converter 'ordinal'",
        ];
        AssertProblems("new-keys.json", expected, problems);
    }

    [Fact]
    public void Validate_WhenAnAccountIsEmpty_OrAnOrdinalIsOutsideAnArray_SaysSo()
    {
        var file = _files.Write("accounts.json", Mapping("""
            "sourceId": "id",
            "payment": { "accounts": [ { "iban": "a.iban" }, {} ] },
            "allocations": { "path": "splits", "taxBreakdown": "gross", "fields": { "amount": "amt" } },
            "issuer": { "customerNumber": { "convert": "join", "of": ["a", "b"], "separator": 1 } }
            """));

        var problems = MappingFile.Validate(file, _files.Root);

        Assert.Contains("mapping 'accounts.json': $.fields.payment.accounts[1]: an account needs 'iban', 'bic' or both", problems);
        Assert.Contains("mapping 'accounts.json': $.fields.allocations.taxBreakdown: needs the allocation fields 'amount' and 'taxRate': the tax is computed from them", problems);
        Assert.Contains(problems, p => p.StartsWith("mapping 'accounts.json': $.fields.issuer.customerNumber.separator: is the number 1", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Fact]
    public void Validate_WhenSumHasNoArrayProjection_SaysItNeedsOne()
    {
        var file = _files.Write("sum.json", Mapping(""" "sourceId": "id", "totals": { "tax": { "path": "tax", "convert": "sum" } } """));

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.Contains("$.fields.totals.tax.path: 'tax' reaches one value; the converter 'sum' needs an array projection", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenAKeyDoesNotApplyToTheConverter_SaysSo()
    {
        var file = _files.Write("keys.json", Mapping(""" "sourceId": "id", "totals": { "gross": { "path": "total", "formats": ["dd.MM.yyyy"] } } """));

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.Equal("mapping 'keys.json': $.fields.totals.gross.formats: does not apply to the converter 'decimal'", problem);
    }

    [Fact]
    public void Validate_WhenSummariesHaveNoDetailRequest_SaysTheyCannotBeCompleted()
    {
        var file = _files.Write("summaries.json", """
            { "list": { "path": "invoices", "summaries": true }, "fields": { "sourceId": "id" } }
            """);

        var problem = Assert.Single(MappingFile.Validate(file, _files.Root));

        Assert.StartsWith("mapping 'summaries.json': $.list.summaries: is true but there is no 'detail' request", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AdapterValidate_ResolvesTheMappingAgainstTheContentRoot_AndChecksTheNumberOptions()
    {
        _files.Write("good.json", Mapping(""" "sourceId": "id" """));
        var adapter = new GenericAdapter();

        Assert.Empty(adapter.Validate(Source("good.json", ("PageSize", "500"), ("PageConcurrency", "8"), ("DetailConcurrency", "16"))));
        Assert.Equal(
            [
                "Options:PageSize 'many' is not a whole number from 1 to 10000.",
                "Options:PageConcurrency '0' is not a whole number from 1 to 32.",
                "Options:DetailConcurrency '-3' is not a whole number from 1 to 64.",
            ],
            adapter.Validate(Source("good.json", ("PageSize", "many"), ("PageConcurrency", "0"), ("DetailConcurrency", "-3"))));
    }

    [Fact]
    public void AdapterValidate_WhenTheMappingOptionIsMissing_SaysHowToNameOne()
    {
        var source = new SourceDescriptor { Name = "s", BaseUrl = new Uri("http://localhost/") };

        var problem = Assert.Single(new GenericAdapter().Validate(source));

        Assert.StartsWith("Options:Mapping is missing", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void AdapterValidate_WhenTheMappingIsBad_ReturnsItsProblems_AndCreateRefusesIt()
    {
        _files.Write("bad.json", Mapping(""" "sourceId": "id", "dueDate": "a..b", "price": "p" """));
        var adapter = new GenericAdapter();

        var problems = adapter.Validate(Source("bad.json"));
        var error = Assert.Throws<InvalidOperationException>(() => adapter.Create(Source("bad.json"), new HttpClient()));

        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("mapping 'bad.json': $.fields.", p, StringComparison.Ordinal));
        Assert.Contains(problems[0], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AdapterValidate_WhenTheFileIsFixed_ValidatesAgain()
    {
        _files.Write("later.json", Mapping(""" "sourceId": "id", "dueDate": "a..b" """));
        var adapter = new GenericAdapter();
        Assert.Single(adapter.Validate(Source("later.json")));

        _files.Write("later.json", Mapping(""" "sourceId": "id", "dueDate": "a.b" """));

        Assert.Empty(adapter.Validate(Source("later.json")));
    }

    private SourceDescriptor Source(string mapping, params (string Key, string Value)[] options) =>
        Sources.Describe("test", new Uri("http://127.0.0.1:9/"), mapping, _files.Root, options: options);

    /// <summary>Exactly the expected problems, each named by its start (the file, the JSON path, what is wrong).</summary>
    private static void AssertProblems(string file, string[] expected, IReadOnlyList<string> problems)
    {
        foreach (var start in expected)
        {
            Assert.Contains(problems, p => p.StartsWith($"mapping '{file}': {start}", StringComparison.Ordinal));
        }

        Assert.True(expected.Length == problems.Count, string.Join(Environment.NewLine, problems));
    }

    private static string Mapping(string fields) => $$"""{ {{ValidList}}, "fields": { {{fields}} } }""";
}
