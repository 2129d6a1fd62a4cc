using Outpost.Bridge;

// outpost-bridge --socket /run/outpost/http.sock --port 8000 -- /usr/bin/node /app/server.js
// The first process of every native sandbox: starts the app, waits until it accepts TCP
// connections on 127.0.0.1:PORT, then exposes that port as a unix socket the host can reach.
if (!BridgeOptions.TryParse(args, out var options, out var error))
{
    Console.Error.WriteLine($"outpost-bridge: {error}");
    Console.Error.WriteLine(BridgeOptions.Usage);
    return BridgeExitCodes.Usage;
}

return await BridgeHost.RunAsync(options);
