using System.Net;
using System.Text;

namespace InvoiceGateway.Tests.Shared;

/// <summary>Answers every request with what the test says, and remembers what was asked. Linked into each adapter test project.</summary>
internal sealed class StubHttpHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<Uri> Requests { get; } = [];

    public static HttpResponseMessage Json(string body, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    public HttpClient CreateClient(string baseUrl) => new(this) { BaseAddress = new Uri(baseUrl) };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request.RequestUri!);
        var response = respond(request);
        response.RequestMessage = request;
        return Task.FromResult(response);
    }
}
