using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Outpost.Server.Transfer;

/// <summary>
/// The certificates a receiving server trusts besides the system's: those an operator named in
/// <see cref="TransferOptions.TrustedCertificate"/>, for an offering server with a self-signed certificate or a
/// private authority. They can only make up for an unknown issuer; a wrong host name is never accepted.
/// </summary>
internal static class TransferTrust
{
    /// <summary>The configured certificates, or null when none are configured.</summary>
    public static X509Certificate2Collection? Load(TransferOptions options)
    {
        if (options.TrustedCertificate is not { Length: > 0 } file)
        {
            return null;
        }

        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new TransferException($"cannot read the certificate in Outpost:Transfer:TrustedCertificate ({file}): {e.Message}");
        }

        return collection.Count > 0 ? collection : throw new TransferException($"{file} (Outpost:Transfer:TrustedCertificate) holds no PEM certificate");
    }

    /// <summary>A TLS validation verdict: the system's, or a chain that ends in one of <paramref name="trusted"/>.</summary>
    public static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection trusted)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }
}
