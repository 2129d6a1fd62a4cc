using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Outpost.Data;

/// <summary>The one place that fixes which version of ASP.NET Core Identity's schema Outpost uses.</summary>
internal static class IdentitySchema
{
    /// <summary>A provider holding only Identity's store options, read by <c>IdentityDbContext</c> when it builds its model.</summary>
    public static IServiceProvider Services { get; } = new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();
}
