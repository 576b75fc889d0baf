using System.Text.Json;
using InvoiceGateway.Adapters.Normalization;

namespace InvoiceGateway.Adapters.SendRegning.Payload;

/// <summary>
/// Reads a SendRegning invoice object into the payload records by hand, with the rules the lenient payload options
/// gave the serializer (names case-insensitive, the last of repeated names wins, unknown names skipped, scalars as
/// text, <c>null</c> items left out): a reflection-driven second pass over each entry was 39 % of a SendRegning read
/// (bench/results/normalization-profile.md). It reads the page's tokens with the <see cref="Utf8JsonReader"/> that reads
/// the page (no <see cref="JsonDocument"/> to build and walk: bench/results/normalization-sendregning-2026-12-02.md).
/// A value of the wrong shape (an object where text is expected, text where an object is) throws
/// <see cref="JsonException"/> without a position, which rejects the invoice as before; the reader is then somewhere
/// inside the entry, and the caller skips what is left of it.
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

    /// <summary>Reads the invoice object the reader is on; leaves the reader on its end.</summary>
    public static SendRegningInvoicePayload Read(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException(reader.TokenType == JsonTokenType.Null
                ? "The value is null."
                : $"The invoice is {Describe(reader.TokenType)}, not an object.");
        }

        string? number = null, credit = null, orderNumber = null, ourReference = null, yourReference = null, kid = null;
        string? invoiceText = null, accountNumber = null, currency = null;
        UpstreamScalar? invoiceDate = null, dueDate = null, deliveryDate = null, orderDate = null, reminderDate = null;
        UpstreamScalar? tax = null, total = null, currentBalance = null;
        SendRegningDeliveryAddressPayload? deliveryAddress = null;
        SendRegningPartyPayload? originator = null, recipient = null;
        SendRegningInternationalPayload? international = null;
        IReadOnlyList<SendRegningItemPayload>? items = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = InvoiceFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: number = PayloadFields.Text(ref reader); break;
                case 1: credit = PayloadFields.Text(ref reader); break;
                case 2: orderNumber = PayloadFields.Text(ref reader); break;
                case 3: invoiceDate = UpstreamScalar.Read(ref reader, body); break;
                case 4: dueDate = UpstreamScalar.Read(ref reader, body); break;
                case 5: deliveryDate = UpstreamScalar.Read(ref reader, body); break;
                case 6: orderDate = UpstreamScalar.Read(ref reader, body); break;
                case 7: reminderDate = UpstreamScalar.Read(ref reader, body); break;
                case 8: ourReference = PayloadFields.Text(ref reader); break;
                case 9: yourReference = PayloadFields.Text(ref reader); break;
                case 10: kid = PayloadFields.Text(ref reader); break;
                case 11: tax = UpstreamScalar.Read(ref reader, body); break;
                case 12: total = UpstreamScalar.Read(ref reader, body); break;
                case 13: currentBalance = UpstreamScalar.Read(ref reader, body); break;
                case 14: invoiceText = PayloadFields.Text(ref reader); break;
                case 15: accountNumber = PayloadFields.Text(ref reader); break;
                case 16: currency = PayloadFields.Text(ref reader); break;
                case 17: deliveryAddress = IsObject(ref reader, "deliveryAddress") ? DeliveryAddress(ref reader) : null; break;
                case 18: originator = IsObject(ref reader, "originator") ? Party(ref reader, body, "originator") : null; break;
                case 19: recipient = IsObject(ref reader, "recipient") ? Party(ref reader, body, "recipient") : null; break;
                case 20: international = IsObject(ref reader, "international") ? International(ref reader) : null; break;
                case 21: items = Items(ref reader, body); break;
                default: reader.Skip(); break;
            }
        }

        return new SendRegningInvoicePayload
        {
            Number = number,
            Credit = credit,
            OrderNumber = orderNumber,
            InvoiceDate = invoiceDate,
            DueDate = dueDate,
            DeliveryDate = deliveryDate,
            OrderDate = orderDate,
            ReminderDate = reminderDate,
            OurReference = ourReference,
            YourReference = yourReference,
            Kid = kid,
            Tax = tax,
            Total = total,
            CurrentBalance = currentBalance,
            InvoiceText = invoiceText,
            AccountNumber = accountNumber,
            Currency = currency,
            DeliveryAddress = deliveryAddress,
            Originator = originator,
            Recipient = recipient,
            International = international,
            Items = items,
        };
    }

    private static SendRegningPartyPayload Party(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body, string field)
    {
        string? name = null, organisationNumber = null, customerNumber = null, email = null, phone = null, mobile = null;
        string? web = null, icd = null;
        SendRegningAddressPayload? address = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = PartyFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: name = PayloadFields.Text(ref reader); break;
                case 1: organisationNumber = PayloadFields.Text(ref reader); break;
                case 2: customerNumber = PayloadFields.Text(ref reader); break;
                case 3: email = PayloadFields.Text(ref reader); break;
                case 4: phone = PayloadFields.Text(ref reader); break;
                case 5: mobile = PayloadFields.Text(ref reader); break;
                case 6: web = PayloadFields.Text(ref reader); break;
                case 7: address = IsObject(ref reader, field + ".address") ? Address(ref reader) : null; break;
                case 8: icd = PayloadFields.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new SendRegningPartyPayload
        {
            Name = name,
            OrganisationNumber = organisationNumber,
            CustomerNumber = customerNumber,
            Email = email,
            Phone = phone,
            Mobile = mobile,
            Web = web,
            Address = address,
            Icd = icd,
        };
    }

    private static SendRegningAddressPayload Address(ref Utf8JsonReader reader)
    {
        string? address1 = null, address2 = null, zip = null, city = null, country = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = AddressFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: address1 = PayloadFields.Text(ref reader); break;
                case 1: address2 = PayloadFields.Text(ref reader); break;
                case 2: zip = PayloadFields.Text(ref reader); break;
                case 3: city = PayloadFields.Text(ref reader); break;
                case 4: country = PayloadFields.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new SendRegningAddressPayload { Address1 = address1, Address2 = address2, Zip = zip, City = city, Country = country };
    }

    private static SendRegningDeliveryAddressPayload DeliveryAddress(ref Utf8JsonReader reader)
    {
        string? address = null, zip = null, city = null, country = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = DeliveryAddressFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: address = PayloadFields.Text(ref reader); break;
                case 1: zip = PayloadFields.Text(ref reader); break;
                case 2: city = PayloadFields.Text(ref reader); break;
                case 3: country = PayloadFields.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new SendRegningDeliveryAddressPayload { Address = address, Zip = zip, City = city, Country = country };
    }

    private static SendRegningInternationalPayload International(ref Utf8JsonReader reader)
    {
        string? iban = null, bic = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = InternationalFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: iban = PayloadFields.Text(ref reader); break;
                case 1: bic = PayloadFields.Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new SendRegningInternationalPayload { Iban = iban, Bic = bic };
    }

    /// <summary><c>items</c>: <c>null</c> entries are no line; an entry that is no object, or items that are no array, fail the invoice.</summary>
    private static SendRegningItemPayload[]? Items(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"The 'items' value is {Describe(reader.TokenType)}; an array was expected.");
        }

        var items = new List<SendRegningItemPayload>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (IsObject(ref reader, "items[]"))
            {
                items.Add(Item(ref reader, body));
            }
        }

        return [.. items];
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

    private static SendRegningItemPayload Item(ref Utf8JsonReader reader, ReadOnlyMemory<byte> body)
    {
        string? unit = null, productCode = null, description = null;
        UpstreamScalar? number = null, quantity = null, unitPrice = null, discount = null, taxRate = null, total = null, totalWithoutTax = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var property = ItemFields.IndexOf(ref reader);
            reader.Read();
            switch (property)
            {
                case 0: number = UpstreamScalar.Read(ref reader, body); break;
                case 1: quantity = UpstreamScalar.Read(ref reader, body); break;
                case 2: unit = PayloadFields.Text(ref reader); break;
                case 3: productCode = PayloadFields.Text(ref reader); break;
                case 4: description = PayloadFields.Text(ref reader); break;
                case 5: unitPrice = UpstreamScalar.Read(ref reader, body); break;
                case 6: discount = UpstreamScalar.Read(ref reader, body); break;
                case 7: taxRate = UpstreamScalar.Read(ref reader, body); break;
                case 8: total = UpstreamScalar.Read(ref reader, body); break;
                case 9: totalWithoutTax = UpstreamScalar.Read(ref reader, body); break;
                default: reader.Skip(); break;
            }
        }

        return new SendRegningItemPayload
        {
            Number = number,
            Quantity = quantity,
            Unit = unit,
            ProductCode = productCode,
            Description = description,
            UnitPrice = unitPrice,
            Discount = discount,
            TaxRate = taxRate,
            Total = total,
            TotalWithoutTax = totalWithoutTax,
        };
    }
}
