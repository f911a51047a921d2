using System.Net;
using System.Net.Sockets;

namespace Tributary.Testing;

/// <summary>
/// An <see cref="HttpListener"/> on a free loopback port. HttpListener cannot bind port 0 and tell the port it got, so
/// this asks the OS for a free port and binds it, and if another process took that port in between, asks again:
/// the race fails over to another port instead of failing the test.
/// </summary>
public static class LoopbackHttpListener
{
    public static (HttpListener Listener, int Port) Start(int attempts = 20)
    {
        for (var attempt = 1; ; attempt++)
        {
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return (listener, port);
            }
            catch (HttpListenerException) when (attempt < attempts)
            {
                listener.Close();
            }
        }
    }
}
