using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.SendRegning.Payload;

/// <summary>
/// Reads a SendRegning invoice object into the payload structs by hand, with the rules the lenient payload options
/// gave the serializer (names case-insensitive, the last of repeated names wins, unknown names skipped, scalars as
/// text, <c>null</c> items left out): a reflection-driven second pass over each entry was 39 % of a SendRegning read
/// (bench/results/normalization-profile.md). It reads the page's tokens with the <see cref="Utf8JsonReader"/> that reads
/// the page (no <see cref="JsonDocument"/> to build and walk: bench/results/normalization-sendregning-2026-12-02.md).
/// A value of the wrong shape (an object where text is expected, text where an object is) throws
/// <see cref="JsonException"/> without a position, which rejects the invoice as before; the reader is then somewhere
/// inside the entry, and the caller skips what is left of it. Countries, the currency and the scheme are read through
/// the known sets (<see cref="Countries.Spellings"/>, <see cref="InvoiceRules.CurrencyCodes"/>,
/// <see cref="OrganizationNumbers.KnownSchemes"/>): the same text, without a new string per invoice for the values
/// every invoice repeats ("NORGE", "NOK", "0192").
/// </summary>
internal static class SendRegningPayloadReader
{
    private static readonly PayloadFields InvoiceFields = new(
        "number", "credit", "orderNumber", "invoiceDate", "dueDate", "deliveryDate", "orderDate", "reminderDate",
        "ourReference", "yourReference", "kid", "tax", "total", "currentBalance", "invoiceText", "accountNumber",
        "currency", "deliveryAddress", "originator", "recipient", "international", "items");

    private static readonly PayloadFields PartyFields = new(
        "name", "organisationNumber", "customerNumber", "email", "phone", "mobile", "web", "address", "icd");

    private static readonly PayloadFields DeliveryAddressFields = new("address", "zip", "city", "country");

    private static readonly PayloadFields AddressFields = new("address1", "address2", "zip", "city", "country");

    private static readonly PayloadFields InternationalFields = new("iban", "bic");

    private static readonly PayloadFields ItemFields = new(
        "number", "quantity", "unit", "productCode", "description", "unitPrice", "discount", "taxRate", "total", "totalWithoutTax");

    // The items of the invoice being read; a thread reads one invoice at a time, and the page is read synchronously.
    [ThreadStatic]
    private static SendRegningItemPayload[]? t_items;

    /// <summary>Reads the invoice object the reader is on; leaves the reader on its end.</summary>
    public static void Read(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, out SendRegningInvoicePayload s)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException(reader.TokenType == JsonTokenType.Null
                ? "The value is null."
                : $"The invoice is {Describe(reader.TokenType)}, not an object.");
        }

        s = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = InvoiceFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: s.Number = PayloadFields.Text(ref reader); break;
                case 1: s.Credit = PayloadFields.Text(ref reader); break;
                case 2: s.OrderNumber = PayloadFields.Text(ref reader); break;
                case 3: s.InvoiceDate = UpstreamScalar.Read(ref reader, body); break;
                case 4: s.DueDate = UpstreamScalar.Read(ref reader, body); break;
                case 5: s.DeliveryDate = UpstreamScalar.Read(ref reader, body); break;
                case 6: s.OrderDate = UpstreamScalar.Read(ref reader, body); break;
                case 7: s.ReminderDate = UpstreamScalar.Read(ref reader, body); break;
                case 8: s.OurReference = PayloadFields.Text(ref reader); break;
                case 9: s.YourReference = PayloadFields.Text(ref reader); break;
                case 10: s.Kid = PayloadFields.Text(ref reader); break;
                case 11: s.Tax = UpstreamScalar.Read(ref reader, body); break;
                case 12: s.Total = UpstreamScalar.Read(ref reader, body); break;
                case 13: s.CurrentBalance = UpstreamScalar.Read(ref reader, body); break;
                case 14: s.InvoiceText = PayloadFields.Text(ref reader); break;
                case 15: s.AccountNumber = PayloadFields.Text(ref reader); break;
                case 16: s.Currency = InvoiceRules.CurrencyCodes.Text(ref reader); break;
                case 17: s.DeliveryAddress = IsObject(ref reader, "deliveryAddress") ? DeliveryAddress(ref reader) : null; break;
                case 18: s.Originator = IsObject(ref reader, "originator") ? Party(ref reader, body, "originator") : null; break;
                case 19: s.Recipient = IsObject(ref reader, "recipient") ? Party(ref reader, body, "recipient") : null; break;
                case 20: s.International = IsObject(ref reader, "international") ? International(ref reader) : null; break;
                case 21: s.ItemCount = Items(ref reader, body, out s.Items); break;
                default: reader.Skip(); break;
            }
        }
    }

    private static SendRegningPartyPayload Party(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, string field)
    {
        var s = default(SendRegningPartyPayload);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = PartyFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: s.Name = PayloadFields.Text(ref reader); break;
                case 1: s.OrganisationNumber = PayloadFields.Text(ref reader); break;
                case 2: s.CustomerNumber = PayloadFields.Text(ref reader); break;
                case 3: s.Email = PayloadFields.Text(ref reader); break;
                case 4: s.Phone = PayloadFields.Text(ref reader); break;
                case 5: s.Mobile = PayloadFields.Text(ref reader); break;
                case 6: s.Web = PayloadFields.Text(ref reader); break;
                case 7: s.Address = IsObject(ref reader, field + ".address") ? Address(ref reader) : null; break;
                case 8: s.Icd = OrganizationNumbers.KnownSchemes.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return s;
    }

    private static SendRegningAddressPayload Address(ref Utf8JsonReader reader)
    {
        var s = default(SendRegningAddressPayload);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = AddressFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: s.Address1 = PayloadFields.Text(ref reader); break;
                case 1: s.Address2 = PayloadFields.Text(ref reader); break;
                case 2: s.Zip = PayloadFields.Text(ref reader); break;
                case 3: s.City = PayloadFields.Text(ref reader); break;
                case 4: s.Country = Countries.Spellings.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return s;
    }

    private static SendRegningDeliveryAddressPayload DeliveryAddress(ref Utf8JsonReader reader)
    {
        var s = default(SendRegningDeliveryAddressPayload);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = DeliveryAddressFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: s.Address = PayloadFields.Text(ref reader); break;
                case 1: s.Zip = PayloadFields.Text(ref reader); break;
                case 2: s.City = PayloadFields.Text(ref reader); break;
                case 3: s.Country = Countries.Spellings.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return s;
    }

    private static SendRegningInternationalPayload International(ref Utf8JsonReader reader)
    {
        var s = default(SendRegningInternationalPayload);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = InternationalFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: s.Iban = PayloadFields.Text(ref reader); break;
                case 1: s.Bic = PayloadFields.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return s;
    }

    /// <summary>
    /// <c>items</c> into this thread's scratch array: <c>null</c> entries are no line; an entry that is no object, or items
    /// that are no array, fail the invoice. The last <c>items</c> of an invoice that repeats it wins, as it did.
    /// </summary>
    private static int Items(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, out SendRegningItemPayload[]? items)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            items = null;
            return 0;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"The 'items' value is {Describe(reader.TokenType)}; an array was expected.");
        }

        items = t_items ??= new SendRegningItemPayload[8];
        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (IsObject(ref reader, "items[]"))
            {
                if (count == items.Length)
                {
                    Array.Resize(ref items, items.Length * 2);
                    t_items = items;
                }

                Item(ref reader, body, out items[count++]);
            }
        }

        return count;
    }

    private static void Item(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, out SendRegningItemPayload s)
    {
        s = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = ItemFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: s.Number = UpstreamScalar.Read(ref reader, body); break;
                case 1: s.Quantity = UpstreamScalar.Read(ref reader, body); break;
                case 2: s.Unit = PayloadFields.Text(ref reader); break;
                case 3: s.ProductCode = PayloadFields.Text(ref reader); break;
                case 4: s.Description = PayloadFields.Text(ref reader); break;
                case 5: s.UnitPrice = UpstreamScalar.Read(ref reader, body); break;
                case 6: s.Discount = UpstreamScalar.Read(ref reader, body); break;
                case 7: s.TaxRate = UpstreamScalar.Read(ref reader, body); break;
                case 8: s.Total = UpstreamScalar.Read(ref reader, body); break;
                case 9: s.TotalWithoutTax = UpstreamScalar.Read(ref reader, body); break;
                default: reader.Skip(); break;
            }
        }
    }

    /// <summary>
    /// True on an object, false on JSON null; anything else is <see cref="JsonException"/> naming the field, as
    /// <see cref="PayloadFields.Object"/> answers for the element.
    /// </summary>
    private static bool IsObject(ref Utf8JsonReader reader, string field) => reader.TokenType switch
    {
        JsonTokenType.StartObject => true,
        JsonTokenType.Null => false,
        _ => throw new JsonException($"The '{field}' value is {Describe(reader.TokenType)}; an object was expected."),
    };

    private static string Describe(JsonTokenType token) => UpstreamJson.Describe(UpstreamJson.KindOf(token));
}
