using InvoiceGateway.Sandbox.Apis;

namespace InvoiceGateway.Sandbox.Serving;

/// <summary>The sandbox's state: the generated data of every API, faults, request counts. One per service provider.</summary>
internal sealed class SandboxRuntime
{
    public SandboxRuntime(SandboxOptions options, SandboxFaults faults, SandboxRequestLog requests, TimeProvider time)
    {
        Options = options;
        Faults = faults;
        Requests = requests;
        Pipeline = new DataPipeline(faults, requests);

        // Each API's generator is independent and has its own seed: build them side by side.
        Func<UpstreamApi>[] builders =
        [
            () => new GoScoreApi(options, time),
            () => new SendcloudApi(options, time),
            () => new SendRegningApi(options),
            () => new IbanaApi(options),
            () => new DollrApi(options, time),
        ];
        var apis = new UpstreamApi[builders.Length];
        Parallel.For(0, builders.Length, i => apis[i] = builders[i]());
        Apis = apis;
    }

    public SandboxOptions Options { get; }

    public SandboxFaults Faults { get; }

    public SandboxRequestLog Requests { get; }

    public DataPipeline Pipeline { get; }

    public IReadOnlyList<UpstreamApi> Apis { get; }
}
