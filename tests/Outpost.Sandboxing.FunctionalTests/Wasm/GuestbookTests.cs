using System.Text;
using Outpost.Sandboxing.FunctionalTests.Infrastructure;
using Outpost.Sandboxing.Wasm;
using static Outpost.Sandboxing.FunctionalTests.Wasm.WasmTestEnvironment;

namespace Outpost.Sandboxing.FunctionalTests.Wasm;

/// <summary>The guestbook sample app (apps/guestbook-wasm) keeps each person's entries in the grain's storage.</summary>
public sealed class GuestbookTests
{
    private static readonly WagiLimits Limits = new();

    private readonly string _storage = TestDirectories.NewTestDirectory();

    [Fact]
    public async Task Sign_AsOneUser_IsListedForAnotherWithTheAuthorsName()
    {
        var guestbook = await Runtime.LoadAsync(GuestbookPath);

        var signed = guestbook.Invoke(Sign(Alice, "Hello from Alice!"), Limits);
        var page = Text(guestbook.Invoke(Page(Bob), Limits));

        Assert.Equal(303, signed.Status);
        Assert.Equal("/", Header(signed, "Location"));
        Assert.Contains("Hello from Alice!", page, StringComparison.Ordinal);
        Assert.Contains("Alice Ünïcode", page, StringComparison.Ordinal);
        Assert.Contains("You have written 0 of 1 entries", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_ByTwoUsers_KeepsOneFilePerUser()
    {
        var guestbook = await Runtime.LoadAsync(GuestbookPath);

        guestbook.Invoke(Sign(Alice, "first"), Limits);
        guestbook.Invoke(Sign(Alice, "second"), Limits);
        guestbook.Invoke(Sign(Bob, "third"), Limits);
        var alicePage = Text(guestbook.Invoke(Page(Alice), Limits));

        var files = Directory.GetFiles(Path.Combine(_storage, "entries")).Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal([Hex("alice-id") + ".txt", Hex("bob-id") + ".txt"], files);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(_storage, "entries", Hex("alice-id") + ".txt")).Length);
        Assert.Contains("You have written 2 of 3 entries", alicePage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_WithoutWritePermission_Returns403AndStoresNothing()
    {
        var guestbook = await Runtime.LoadAsync(GuestbookPath);
        var reader = Bob with { Permissions = "" };

        var response = guestbook.Invoke(Sign(reader, "sneaky"), Limits);
        var page = Text(guestbook.Invoke(Page(reader), Limits));

        Assert.Equal(403, response.Status);
        Assert.False(Directory.Exists(Path.Combine(_storage, "entries")));
        Assert.Contains("You may read this guestbook but not write in it", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_MessageWithHtml_IsShownEscaped()
    {
        var guestbook = await Runtime.LoadAsync(GuestbookPath);

        guestbook.Invoke(Sign(Alice, "<script>alert(1)</script>"), Limits);
        var page = Text(guestbook.Invoke(Page(Alice), Limits));

        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
    }

    private WagiRequest Page(WagiIdentity who) => Get("/") with { Identity = who, StorageDir = _storage };

    private WagiRequest Sign(WagiIdentity who, string message) => Get("/") with
    {
        Method = "POST",
        Identity = who,
        StorageDir = _storage,
        Headers = [new("Content-Type", "application/x-www-form-urlencoded")],
        Body = Encoding.UTF8.GetBytes("message=" + Uri.EscapeDataString(message)),
    };

    private static string Hex(string text) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));
}
