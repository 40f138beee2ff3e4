using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Web.Features.Accounts.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class DictationPreferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "degrees_meaning",
                table: "AspNetUsers",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Words");

            migrationBuilder.AddColumn<bool>(
                name: "format_transcripts",
                table: "AspNetUsers",
                type: "boolean",
                nullable: false,
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "degrees_meaning",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "format_transcripts",
                table: "AspNetUsers");
        }
    }
}
