using AutoMapper;

namespace InvoiceGateway.Adapters.GoScore.Mapping;

/// <summary>
/// The adapter's one AutoMapper configuration, built (and its maps compiled) on first use. Every map of the
/// profile is bounded by <see cref="MaxDepth"/>: the payloads are not self-referential, but a bound keeps
/// GHSA-rvv3-g6hj-g44x (see Directory.Build.props) from ever applying.
/// </summary>
internal static class GoScoreMapping
{
    /// <summary>Deepest nesting a map follows; the payloads nest at most three levels (invoice, party, address).</summary>
    public const int MaxDepth = 8;

    public static MapperConfiguration Configuration { get; } = new(config => config.AddProfile<GoScoreProfile>());

    public static IMapper Mapper { get; } = Configuration.CreateMapper();
}
