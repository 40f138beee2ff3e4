using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Actors.Storage.Migrations
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
                type: "TEXT",
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
