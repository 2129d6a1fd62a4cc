using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Outpost.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccessLog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccessLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    GrainId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    GrainTitle = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    GrainOwnerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    ActorAccountId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ShareId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Role = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Address = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessLog", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessLog_At",
                table: "AccessLog",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AccessLog_GrainId_Id",
                table: "AccessLog",
                columns: new[] { "GrainId", "Id" });

            // Append-only, enforced by the database itself: no update ever, and no deletion of a row younger than a
            // day (AccessLogEntry.MinimumRetentionDays), so neither a bug nor a compromised code path can rewrite or
            // quietly erase fresh entries. Retention deletes only older rows.
            migrationBuilder.Sql("""
                CREATE TRIGGER "AccessLog_NoUpdate" BEFORE UPDATE ON "AccessLog"
                BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AccessLog_NoFreshDelete" BEFORE DELETE ON "AccessLog"
                WHEN old."At" > (CAST(strftime('%s', 'now') AS INTEGER) - 86400) * 1000
                BEGIN SELECT RAISE(ABORT, 'access log entries younger than a day cannot be deleted'); END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AccessLog_NoFreshDelete";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AccessLog_NoUpdate";""");
            migrationBuilder.DropTable(
                name: "AccessLog");
        }
    }
}
