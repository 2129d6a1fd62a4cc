using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Outpost.Server.FunctionalTests.Infrastructure;

namespace Outpost.Server.FunctionalTests.Transfer;

/// <summary>
/// A self-signed certificate for 127.0.0.1 and localhost, written as PEM files the way an operator would have them:
/// <c>cert.pem</c> (what the other server is told to trust) and <c>key.pem</c> (for Kestrel).
/// </summary>
internal sealed class TestCertificate : IDisposable
{
    private readonly TempDir _dir = new("cert");

    public TestCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=outpost-transfer-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(CertPath, certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
    }

    public string CertPath => Path.Combine(_dir.Path, "cert.pem");

    public string KeyPath => Path.Combine(_dir.Path, "key.pem");

    /// <summary>Configuration that makes an Outpost server (or any Kestrel app) serve https with this certificate.</summary>
    public Dictionary<string, string?> KestrelSettings() => new()
    {
        ["Kestrel:Certificates:Default:Path"] = CertPath,
        ["Kestrel:Certificates:Default:KeyPath"] = KeyPath,
    };

    public void Dispose() => _dir.Dispose();
}
