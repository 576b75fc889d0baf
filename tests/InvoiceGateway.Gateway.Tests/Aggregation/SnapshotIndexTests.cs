using InvoiceGateway.Contracts;
using InvoiceGateway.Gateway.Aggregation;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace InvoiceGateway.Gateway.Tests.Aggregation;

/// <summary>
/// A snapshot's indexes are built with it (never by a request) and are compact (the trigram index's invoices as gaps in
/// varints): whatever the text, status or day, every invoice that matches is among the candidates, in ascending order,
/// and the page built from them is the page a scan finds.
/// </summary>
public sealed class SnapshotIndexTests
{
    private static readonly DateOnly Today = new(2026, 12, 2);

    private static readonly string[] Names = ["EnterCard Kredittkort", "Fjordkraft AS", "Havblikk Sjømat", "Ålesund Rør & Varme", "Nordlys Regnskap", "Kari Nordmann", "ABC"];

    [Fact]
    public void Candidates_HoldEveryMatch_InOrder_ForTextStatusAndOverdue()
    {
        var snapshot = Snapshot(3_000);
        var queries = new List<string>();
        foreach (var name in Names)
        {
            queries.Add(name);
            queries.Add(name.ToUpperInvariant()[1..^1]);
            queries.Add(name.ToLowerInvariant()[..Math.Min(5, name.Length)]);
        }

        queries.AddRange(["INV-00", "nv-0042", "1234", "0007-", "kid 77", "zzz-not-there", "aaaa", "aaa", "xyz", "r &", "Fjordkraft AS INV"]);
        foreach (var text in queries)
        {
            foreach (var extra in new[] { "", "&status=open", "&overdue=true", "&status=paid,partiallyPaid&overdue=true" })
            {
                Check(snapshot, $"q={Uri.EscapeDataString(text)}{extra}");
            }
        }

        Check(snapshot, "status=partiallyPaid");
        Check(snapshot, "overdue=true&sort=-gross");
    }

    private static void Check(SourceSnapshot snapshot, string queryString)
    {
        var query = Parse(queryString);
        var matching = Enumerable.Range(0, snapshot.Count).Where(i => query.Matches(snapshot.Facts[i])).ToArray();
        if (snapshot.Index.Candidates(query) is { } candidates)
        {
            Assert.True(candidates.SequenceEqual(candidates.Order().Distinct()), $"{queryString}: candidates not ascending");
            Assert.Empty(matching.Except(candidates));
        }

        var scanned = snapshot.Order(query.Order).Indexes.Where(i => query.Matches(snapshot.Facts[i])).Take(query.Limit).ToArray();
        var page = InvoicePage.Build([snapshot], query).Items.Select(item => item.Index).ToArray();
        Assert.True(scanned.SequenceEqual(page), $"{queryString}: the page differs from a scan");
    }

    private static InvoiceQuery Parse(string queryString)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var query = InvoiceQuery.Parse(new QueryCollection(QueryHelpers.ParseQuery(queryString)), 20, Today, errors);
        Assert.Empty(errors);
        return query;
    }

    private static SourceSnapshot Snapshot(int count)
    {
        var random = new Random(16);
        var statuses = new[] { InvoiceStatus.Open, InvoiceStatus.Paid, InvoiceStatus.PartiallyPaid, InvoiceStatus.Draft };
        var invoices = Enumerable.Range(0, count).Select(i => new Invoice
        {
            Id = $"test:{i}",
            Source = "test",
            SourceId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Number = random.Next(10) == 0 ? null : $"INV-{random.Next(10_000):0000}-{i}",
            Status = statuses[random.Next(statuses.Length)],
            DueDate = Today.AddDays(random.Next(-60, 60)),
            Totals = new InvoiceTotals(Gross: 1_000m, Due: random.Next(4) * 250m),
            Issuer = new Party { Name = Names[random.Next(Names.Length)] },
            Recipient = random.Next(3) == 0 ? null : new Party { Name = Names[random.Next(Names.Length)] + " " + random.Next(100) },
            Payment = random.Next(2) == 0 ? null : new PaymentInstructions(AccountNumber: null, Reference: $"KID {random.Next(1_000_000)}"),
        }).ToList();
        return new SourceSnapshot(invoices, [], DateTimeOffset.UnixEpoch);
    }
}
