using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Outpost.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the server.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<OutpostDbContext>
{
    public OutpostDbContext CreateDbContext(string[] args) =>
        new((DbContextOptions<OutpostDbContext>)OutpostDbContext.UseOutpostSqlite(new DbContextOptionsBuilder<OutpostDbContext>(), "Data Source=design.db").Options);
}
