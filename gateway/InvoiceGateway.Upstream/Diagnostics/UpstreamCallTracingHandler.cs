namespace InvoiceGateway.Upstream;

/// <summary>One span per attempt of an upstream call (inside the resilience pipeline, so a retry is a span of its own).</summary>
internal sealed class UpstreamCallTracingHandler(string source) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var activity = UpstreamTracing.StartCall(source, request);
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            UpstreamTracing.Answered(activity, response);
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller gave up (e.g. an adapter's read-ahead page no longer needed): not a failure of the source.
            activity?.SetTag("error.type", "cancelled");
            throw;
        }
        catch (Exception ex)
        {
            UpstreamTracing.Failed(activity, source, ex);
            throw;
        }
    }
}
