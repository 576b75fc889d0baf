using InvoiceGateway.Contracts;
using InvoiceGateway.EInvoicing.Document;

namespace InvoiceGateway.EInvoicing.Tests.Document;

public class OwnerSideTests
{
    private static readonly Party Owner = new()
    {
        Name = "Owner AS",
        OrganizationNumber = "923456783",
        VatNumber = "NO923456783MVA",
        Address = new PostalAddress("Eierveien 1", null, "0150", "OSLO", "NO"),
    };

    [Fact]
    public void Receivable_TheOwnerCompletesTheSeller_NeverTheBuyer()
    {
        var invoice = Invoices.Complete() with { Direction = InvoiceDirection.Receivable, Issuer = new Party { Name = "Nordlys Regnskap AS" }, Recipient = null };

        var document = EInvoiceDocument.From(invoice, Owner);

        Assert.Equal("Nordlys Regnskap AS", document.Seller!.Name); // what the source says wins
        Assert.Equal("NO923456783MVA", document.Seller.VatNumber);
        Assert.Equal(Owner.Address, document.Seller.Address);
        Assert.Null(document.Buyer);
    }

    [Fact]
    public void Payable_TheOwnerCompletesTheBuyer_NeverTheSeller()
    {
        var invoice = Invoices.Complete() with { Direction = InvoiceDirection.Payable, Issuer = new Party { Name = "EnterCard" }, Recipient = null };

        var document = EInvoiceDocument.From(invoice, Owner);

        Assert.Equal(Owner, document.Buyer);
        Assert.Equal(new Party { Name = "EnterCard" }, document.Seller);
    }

    [Fact]
    public void AnOrganizationNumberKeepsItsOwnScheme()
    {
        var fromOwner = OwnerSide.Complete(new Party { Name = "Kari" }, Owner with { OrganizationScheme = "0192" })!;
        var fromSource = OwnerSide.Complete(new Party { OrganizationNumber = "12345678", OrganizationScheme = null }, Owner with { OrganizationScheme = "0192" })!;

        Assert.Equal(("923456783", "0192"), (fromOwner.OrganizationNumber, fromOwner.OrganizationScheme));
        Assert.Equal(("12345678", null), (fromSource.OrganizationNumber, fromSource.OrganizationScheme));
    }

    [Fact]
    public void TheSourcesAddress_IsKeptWhole_EvenWhenItLacksParts()
    {
        var partial = new PostalAddress(null, null, null, "BERGEN", "NO");
        var invoice = Invoices.Complete() with { Direction = InvoiceDirection.Payable, Recipient = new Party { Address = partial } };

        var buyer = EInvoiceDocument.From(invoice, Owner).Buyer!;

        Assert.Equal(partial, buyer.Address);
        Assert.Equal("Owner AS", buyer.Name);
    }

    [Fact]
    public void WithoutAnOwner_TheSourcesPartiesStandAsTheyAre()
    {
        var invoice = Invoices.Complete() with { Issuer = null };

        var report = UblExport.Check(invoice);

        Assert.Contains("BR-06", report.FailedRuleIds);
        Assert.True(UblExport.Check(invoice, Invoices.Seller).Valid);
    }
}
