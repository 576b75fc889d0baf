using System.Globalization;
using System.Net;
using InvoiceGateway.Contracts;

namespace InvoiceGateway.Upstream;

/// <summary>
/// Sits in front of the source's resilience handler: turns what survives the pipeline into
/// <see cref="UpstreamException"/> and records the outcome in the source's health and metrics. The caller's
/// own cancellation propagates as <see cref="OperationCanceledException"/>. Unsuccessful answers that
/// survive the retries are returned as responses: the adapter decides what a 404 or a 500 means.
/// </summary>
internal sealed class SourceOutcomeHandler(SourceHealth health, TimeProvider time) : DelegatingHandler
{
    private readonly SourceHealth _health = health;
    private readonly TimeProvider _time = time;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        request.Options.Set(UpstreamPipeline.StartedKey, started);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            Record(request, response, started);
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            UpstreamMetrics.RecordDuration(_health.Name, "cancelled", _time.GetElapsedTime(started));
            throw;
        }
        catch (Exception ex) when (UpstreamFailures.Map(_health.Name, ex) is { } failure)
        {
            UpstreamMetrics.RecordDuration(_health.Name, failure.Code, _time.GetElapsedTime(started));
            UpstreamMetrics.RecordError(_health.Name, failure.Code);
            _health.Failed(failure.Message);
            if (ReferenceEquals(failure, ex))
            {
                throw;
            }

            throw failure;
        }
    }

    private void Record(HttpRequestMessage request, HttpResponseMessage response, long started)
    {
        var elapsed = _time.GetElapsedTime(started);
        var status = (int)response.StatusCode;
        if (status < 400 || response.StatusCode == HttpStatusCode.NotFound)
        {
            // A 404 is an answer (the invoice does not exist), not a sign of a failing source.
            UpstreamMetrics.RecordDuration(_health.Name, status < 400 ? "success" : "not_found", elapsed);
            _health.Succeeded();
            return;
        }

        var code = UpstreamFailures.CodeFor(response.StatusCode);
        UpstreamMetrics.RecordDuration(_health.Name, code, elapsed);
        UpstreamMetrics.RecordError(_health.Name, code);
        _health.Failed($"Source '{_health.Name}' answered HTTP {status.ToString(CultureInfo.InvariantCulture)} to {request.Method.Method} {UpstreamFailures.PathOf(request)}.");
    }
}
