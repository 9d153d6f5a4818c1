using System.Net;
using System.Net.Sockets;

namespace MedicalPortal.Testing;

/// <summary>Loopback ports for the servers the tests start of their own (Redis, PostgreSQL).</summary>
internal static class LoopbackPort
{
    /// <summary>
    /// A port nothing listens on now, the kernel's pick. Someone may take it before the server binds it: a server that
    /// fails to start can ask <see cref="IsTaken"/> whether that is why.
    /// </summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Whether something listens on the port (or holds it otherwise), so that it cannot be bound now.</summary>
    public static bool IsTaken(int port)
    {
        using var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}
