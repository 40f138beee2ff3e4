using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Web.Features.Accounts.PostgreSql.Migrations
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    access_key_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    protected_secret = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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
