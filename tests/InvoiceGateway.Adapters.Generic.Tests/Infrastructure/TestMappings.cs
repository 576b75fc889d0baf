namespace InvoiceGateway.Adapters.Generic.Tests.Infrastructure;

/// <summary>Small mappings for tests of one feature at a time.</summary>
internal static class TestMappings
{
    /// <summary>A mapping listing <c>GET invoices</c> with the given paging, items at <paramref name="items"/>, ids at <c>id</c>.</summary>
    public static string Listing(string paging, string items = "items", string? detail = null, string extraList = "") => $$"""
        {
          "$schema": "mapping.schema.json",
          "name": "test",
          "defaults": { "currency": "EUR" },
          "list": { "path": "invoices", "items": "{{items}}", "paging": {{paging}}{{extraList}} },
          {{(detail is null ? string.Empty : $"\"detail\": {detail},")}}
          "fields": {
            "sourceId": "id",
            "number": "number",
            "totals": { "gross": "amount" }
          }
        }
        """;

    /// <summary>A JSON array of invoices with ids from <paramref name="first"/> on.</summary>
    public static string Invoices(int first, int count) =>
        "[" + string.Join(",", Enumerable.Range(first, count).Select(i => $$"""{"id":{{i}},"number":"N-{{i}}","amount":"{{i}}.00"}""")) + "]";
}
