using InvoiceGateway.Contracts;

namespace InvoiceGateway.Adapters.Generic.Tests.Mapping;

/// <summary>The shapes of <c>payment.accounts</c> that ConverterTests leaves out: BICs without IBANs, and where the BIC of the same IBAN stands.</summary>
public class AccountsTests
{
    private const string Fields = """
        "payment": { "accounts": [ { "bic": "first.bic" }, { "iban": "second.iban", "bic": "second.bic" }, { "iban": "third.iban", "bic": "third.bic" } ] }
        """;

    [Theory]
    // No IBAN anywhere: the first BIC named.
    [InlineData("""{"id":1,"second":{"bic":"SECONDXX"},"third":{"bic":"THIRDXXX"}}""", null, "SECONDXX")]
    [InlineData("""{"id":1,"first":{"bic":"FIRSTXXX"},"third":{"bic":"THIRDXXX"}}""", null, "FIRSTXXX")]
    // The chosen account's own BIC, else that of a later account with the same IBAN, never of an account without one.
    [InlineData("""{"id":1,"first":{"bic":"FIRSTXXX"},"second":{"iban":"AT61 1904"},"third":{"iban":"at611904","bic":"THIRDXXX"}}""", "AT61 1904", "THIRDXXX")]
    [InlineData("""{"id":1,"first":{"bic":"FIRSTXXX"},"second":{"iban":"AT61 1904"},"third":{"iban":"DE89","bic":"THIRDXXX"}}""", "AT61 1904", null)]
    [InlineData("""{"id":1,"second":{"iban":"AT61","bic":"SECONDXX"},"third":{"iban":"AT61","bic":"THIRDXXX"}}""", "AT61", "SECONDXX")]
    [InlineData("""{"id":1,"third":{"iban":"DE89","bic":"THIRDXXX"}}""", "DE89", "THIRDXXX")]
    [InlineData("""{"id":1}""", null, null)]
    public void TheIbanAndBic_AreOneAccounts(string entry, string? iban, string? bic)
    {
        var invoice = PathPlanTests.Normalize(Fields, entry);

        Assert.Equal(iban is null && bic is null ? null : new PaymentInstructions(Iban: iban, Bic: bic), invoice.Payment);
    }
}
