using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Web.Features.Accounts.Migrations
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
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "Words");

            migrationBuilder.AddColumn<bool>(
                name: "format_transcripts",
                table: "AspNetUsers",
                type: "INTEGER",
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
