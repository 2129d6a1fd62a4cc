using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Outpost.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CatalogsAndVersions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AppVersion",
                table: "Grains",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "RefusedVersion",
                table: "Grains",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "UpdateNote",
                table: "Grains",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "UpdatingFromVersion",
                table: "Grains",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PinnedVersion",
                table: "Apps",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AppVersions",
                columns: table => new
                {
                    AppId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    MarketingVersion = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ManifestJson = table.Column<string>(type: "TEXT", nullable: false),
                    PackageSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PackageSize = table.Column<long>(type: "INTEGER", nullable: false),
                    InstalledAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    UnusedSince = table.Column<DateTimeOffset>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AppVersions", x => new { x.AppId, x.Version });
                });

            migrationBuilder.CreateTable(
                name: "CatalogSubscriptions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: true),
                    PublishedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    AddedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    CheckedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CatalogSubscriptions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CatalogSubscriptions_Url",
                table: "CatalogSubscriptions",
                column: "Url",
                unique: true);

            // Grains and apps from before versions were tracked: every grain runs the one installed version, which
            // becomes the first row of AppVersions.
            migrationBuilder.Sql(
                "INSERT INTO AppVersions (AppId, Version, MarketingVersion, ManifestJson, PackageSha256, PackageSize, InstalledAt) "
                + "SELECT AppId, Version, MarketingVersion, ManifestJson, PackageSha256, PackageSize, UpdatedAt FROM Apps;");
            migrationBuilder.Sql("UPDATE Grains SET AppVersion = COALESCE((SELECT Version FROM Apps WHERE Apps.AppId = Grains.AppId), 0);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AppVersions");

            migrationBuilder.DropTable(
                name: "CatalogSubscriptions");

            migrationBuilder.DropColumn(
                name: "AppVersion",
                table: "Grains");

            migrationBuilder.DropColumn(
                name: "RefusedVersion",
                table: "Grains");

            migrationBuilder.DropColumn(
                name: "UpdateNote",
                table: "Grains");

            migrationBuilder.DropColumn(
                name: "UpdatingFromVersion",
                table: "Grains");

            migrationBuilder.DropColumn(
                name: "PinnedVersion",
                table: "Apps");
        }
    }
}
