namespace Outpost.Server.Transfer;

/// <summary>Registers moving grains between servers: offers and exports on one side, pulls on the other.</summary>
internal static class TransferSetup
{
    public static IServiceCollection AddTransfer(this IServiceCollection services)
    {
        services.AddOptions<TransferOptions>().BindConfiguration(TransferOptions.Section);
        services.AddScoped<TransferOffers>();
        services.AddSingleton<TransferGuessLimit>();
        services.AddSingleton<TransferPulls>();
        return services;
    }

    public static RouteGroupBuilder MapTransfer(this RouteGroupBuilder api) => api.MapTransferApi().MapTransferExportApi();
}
