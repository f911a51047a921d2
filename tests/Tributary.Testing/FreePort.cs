using System.Net;
using System.Net.Sockets;

namespace Tributary.Testing;

/// <summary>
/// A TCP port on 127.0.0.1 free at the moment of the call, for a program that needs a fixed port in its configuration
/// (a distributed Connect worker's REST listener, which the other workers forward to). Another process may take it
/// before the program binds it; prefer port 0 wherever the program reports the port it bound.
/// </summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
