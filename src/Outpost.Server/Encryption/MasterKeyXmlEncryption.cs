using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Outpost.Core.Security;

namespace Outpost.Server.Encryption;

/// <summary>
/// Encrypts ASP.NET Data Protection keys (which sign and encrypt sign-in cookies and antiforgery tokens) before they
/// are written to the data directory, under a key derived from the master key.
/// </summary>
internal sealed class MasterKeyXmlEncryptor(KeyRing keys) : IXmlEncryptor
{
    internal const string Purpose = "data-protection";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var element = new XElement("encryptedSecret",
            new XComment(" Encrypted under a key derived from the Outpost master key (docs/encryption.md). "),
            new XElement("value", Convert.ToBase64String(SealedBox.Seal(keys.SecretsKey(Purpose), plaintext, Purpose))));
        return new EncryptedXmlInfo(element, typeof(MasterKeyXmlDecryptor));
    }
}

/// <summary>Decrypts Data Protection keys written by the server's master-key encryptor. Created by Data Protection from the key file's decryptor type name.</summary>
public sealed class MasterKeyXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    /// <summary>Decrypts one key element; throws when it is damaged or was encrypted under another master key.</summary>
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var keys = services.GetRequiredService<KeyRing>();
        var value = encryptedElement.Element("value")?.Value ?? throw new SealedBoxException("the encrypted Data Protection key has no value");
        var plaintext = SealedBox.Open(keys.SecretsKey(MasterKeyXmlEncryptor.Purpose), Convert.FromBase64String(value), MasterKeyXmlEncryptor.Purpose);
        return XElement.Parse(Encoding.UTF8.GetString(plaintext));
    }
}
