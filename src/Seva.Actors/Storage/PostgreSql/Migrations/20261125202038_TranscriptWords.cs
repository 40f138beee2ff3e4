using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Actors.Storage.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class TranscriptWords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "words",
                table: "transcriptions",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "words",
                table: "transcriptions");
        }
    }
}
