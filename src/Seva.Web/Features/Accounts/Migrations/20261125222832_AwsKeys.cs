using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Web.Features.Accounts.Migrations
{
    /// <inheritdoc />
    public partial class AwsKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "aws_keys",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    access_key_id = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    protected_secret = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_aws_keys", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_aws_keys_access_key_id",
                table: "aws_keys",
                column: "access_key_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_aws_keys_user_id",
                table: "aws_keys",
                column: "user_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "aws_keys");
        }
    }
}
