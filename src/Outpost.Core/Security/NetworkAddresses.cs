using System.Net;
using System.Net.Sockets;

namespace Outpost.Core.Security;

/// <summary>Tells addresses on the public internet apart from this machine's and private networks'.</summary>
public static class NetworkAddresses
{
    /// <summary>
    /// Whether <paramref name="address"/> is a public unicast address. False for loopback, unspecified, private
    /// (10/8, 172.16/12, 192.168/16, fc00::/7), shared (100.64/10), link-local (169.254/16, where cloud metadata
    /// services answer, and fe80::/10), multicast, broadcast, documentation and reserved ranges, and for IPv6 forms
    /// that carry one of those IPv4 addresses (mapped, NAT64, 6to4).
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return IsPublic(address.MapToIPv4());
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address),
            _ => false,
        };
    }

    private static bool IsPublicV4(byte[] b) => b switch
    {
        [0, ..] => false,                                  // "this network"
        [10, ..] => false,                                 // private
        [100, >= 64 and <= 127, ..] => false,              // shared address space (carrier NAT)
        [127, ..] => false,                                // loopback
        [169, 254, ..] => false,                           // link-local, cloud metadata
        [172, >= 16 and <= 31, ..] => false,               // private
        [192, 0, 0, _] => false,                           // protocol assignments
        [192, 0, 2, _] => false,                           // documentation
        [192, 88, 99, _] => false,                         // deprecated 6to4 relay
        [192, 168, ..] => false,                           // private
        [198, 18 or 19, ..] => false,                      // benchmarking
        [198, 51, 100, _] => false,                        // documentation
        [203, 0, 113, _] => false,                         // documentation
        [>= 224, ..] => false,                             // multicast, reserved, broadcast
        _ => true,
    };

    private static bool IsPublicV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.IPv6None)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        return b switch
        {
            // 64:ff9b::/96 (NAT64) and 2002::/16 (6to4) carry an IPv4 address, which decides.
            [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..] => IsPublicV4(b[12..]),
            [0x20, 0x02, ..] => IsPublicV4(b[2..6]),
            [0x20, 0x01, 0x0d, 0xb8, ..] => false,         // documentation
            [0x01, 0x00, 0, 0, 0, 0, 0, 0, ..] => false,   // discard-only
            _ => (b[0] & 0xe0) == 0x20,                    // 2000::/3, the global unicast range
        };
    }
}
