namespace InvoiceGateway.Sandbox.Serving;

/// <summary>Every data request goes through here: counted, faulted as configured, credentials checked, answered.</summary>
internal sealed class DataPipeline(SandboxFaults faults, SandboxRequestLog requests)
{
    public async Task RunAsync(
        HttpContext context, UpstreamApi api, SandboxRoute route, EndpointKind kind, Func<HttpContext, bool, Reply> answer)
    {
        requests.RecordData(api.Index);
        var fault = faults.Take(api.Index);
        try
        {
            if (fault is not null)
            {
                if (fault.LatencyMs > 0)
                {
                    await Task.Delay(fault.LatencyMs, context.RequestAborted);
                }

                if (fault.ResetConnection)
                {
                    context.Abort();
                    return;
                }

                if (fault.Status is { } status)
                {
                    await FaultBodies.Status(status, fault.RetryAfterSeconds).WriteAsync(context);
                    return;
                }
            }

            if (!api.IsAuthorized(context.Request))
            {
                await api.Unauthorized(context.Request).WriteAsync(context);
                return;
            }

            if (fault?.DeepNestingLevels is { } levels)
            {
                await FaultBodies.WriteDeepNestingAsync(context, levels);
                return;
            }

            if (fault?.OversizedBytes is { } size)
            {
                await FaultBodies.WriteOversizedAsync(context, api.Shape(context, route), size);
                return;
            }

            var reply = answer(context, fault?.MalformedEntry == true);
            if (fault?.MalformedJson == true)
            {
                reply = api.Malformed(context, reply, kind);
            }

            await reply.WriteAsync(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or timed out during injected latency): nothing left to answer.
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            // Same, noticed while writing.
        }
    }
}
