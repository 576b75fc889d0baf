namespace InvoiceGateway.Sandbox.Apis;

/// <summary>The docs' example invoice (seed 001) with realistic values in place of its <c>&lt;string&gt;</c> placeholders.</summary>
internal static class IbanaSeed
{
    public const string Id = "3f6c1b2e-8d4a-4c1f-9b7e-2a5d9c0e7f41";

    public const string Invoice =
        """
        {
        "id": "3f6c1b2e-8d4a-4c1f-9b7e-2a5d9c0e7f41",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "originalFileName": "Rechnung_RE-2023-10457.pdf",
        "filename": "3f6c1b2e-8d4a-4c1f-9b7e-2a5d9c0e7f41.pdf",
        "recipientName": "A1 Telekom Austria AG",
        "recipientIban": "AT611904300234573201",
        "recipientVat": "ATU62895905",
        "recipient": {
        "id": "b1e2c3d4-0f1a-4b2c-8d3e-4f5a6b7c8d90",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "email": "rechnung@a1.at",
        "markedTrusted": true,
        "markedTrustedDate": "2023-11-07T05:31:56Z",
        "markedTrustedUser": {
        "id": "c0ffee00-1234-4abc-9def-0123456789ab",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "email": "buchhaltung@muster-handel.at",
        "name": "Maria Gruber",
        "authId": "auth0|6549c2a1f0e3b2a1c4d5e6f7",
        "role": "ADMIN",
        "hasPushNotification": true
        },
        "description": "Mobilfunk und Internet",
        "vat": "ATU62895905",
        "accountsPayableNumber": "22 0391919",
        "bankAccount": {
        "id": "d2e3f4a5-6b7c-4d8e-9f0a-1b2c3d4e5f60",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "name": "A1 Telekom Austria AG",
        "iban": "AT611904300234573201",
        "bic": "BKAUATWWXXX",
        "countryCode": "AT",
        "address": "Lassallestraße 9, 1020 Wien"
        }
        },
        "invoiceNumber": "RE-2023-10457",
        "purchaseOrder": "PO-2023-0815",
        "date": "2023-11-02",
        "billingPeriodStart": "2023-10-01",
        "billingPeriodEnd": "2023-10-31",
        "dueDate": "2023-11-30",
        "skontoDate": "2023-11-12",
        "skontoAmount": 2.96,
        "skontoRate": 2,
        "totalAmount": 148.20,
        "currency": "EUR",
        "type": "INVOICE",
        "paymentTerms": "14 Tage 2% Skonto, 28 Tage netto",
        "notes": "Kundennummer 4711-0815",
        "shouldCreateTransaction": true,
        "alreadyPaid": false,
        "alreadyPaidDate": null,
        "archived": false,
        "archivedDate": null,
        "archivedByUser": null,
        "organization": {
        "id": "e3f4a5b6-7c8d-4e9f-8a0b-1c2d3e4f5a61",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "name": "Muster Handel GmbH",
        "slug": "muster-handel",
        "logoFileName": "muster-handel.png",
        "featureFlags": [
        {
        "id": "f4a5b6c7-8d9e-4f0a-9b1c-2d3e4f5a6b72",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "featureName": "skonto",
        "isEnabled": true
        }
        ]
        },
        "status": "NEW",
        "debitor": {
        "id": "a5b6c7d8-9e0f-4a1b-8c2d-3e4f5a6b7c83",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "name": "Muster Handel GmbH",
        "iban": "AT483200000012345864",
        "bic": "RLNWATWWXXX",
        "countryCode": "AT",
        "address": "Mariahilfer Straße 1, 1060 Wien"
        },
        "export": {
        "id": "b6c7d8e9-0f1a-4b2c-9d3e-4f5a6b7c8d94",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "invoiceCount": 12
        },
        "splits": [
        {
        "id": "c7d8e9f0-1a2b-4c3d-8e4f-5a6b7c8d9ea5",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "partialAmount": 148.20,
        "taxRate": 20,
        "notes": "Telekommunikation",
        "costCenter": {
        "id": "d8e9f0a1-2b3c-4d4e-9f5a-6b7c8d9eafb6",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "code": "100",
        "name": "Verwaltung",
        "type": "COST_CENTER"
        },
        "costCenter2": null,
        "ledgerAccount": {
        "id": "e9f0a1b2-3c4d-4e5f-8a6b-7c8d9eafb0c7",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "accountNumber": "7380",
        "name": "Telefon und Internet"
        }
        }
        ],
        "lineItems": [
        {
        "id": "f0a1b2c3-4d5e-4f6a-9b7c-8d9eafb0c1d8",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "productCode": 4001,
        "title": "A1 Business Mobil L",
        "description": "Grundgebühr Oktober 2023",
        "quantity": 2,
        "unit": 1,
        "unitPrice": 49.50,
        "totalPrice": 118.80,
        "discount": 0,
        "taxRate": 20,
        "taxAmount": 19.80
        },
        {
        "id": "a1b2c3d4-5e6f-4a7b-8c8d-9eafb0c1d2e9",
        "createdAt": "2023-11-07T05:31:56Z",
        "updatedAt": "2023-11-07T05:31:56Z",
        "productCode": 4107,
        "title": "Roaming EU",
        "description": "Datenvolumen Zusatzpaket",
        "quantity": 1,
        "unit": 1,
        "unitPrice": 24.50,
        "totalPrice": 29.40,
        "discount": 0,
        "taxRate": 20,
        "taxAmount": 4.90
        }
        ]
        }
        """;
}
