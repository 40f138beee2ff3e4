using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Actors.Storage.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "transcriptions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    user_id = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    session_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    transcript_text = table.Column<string>(type: "TEXT", nullable: false),
                    partial_transcript = table.Column<string>(type: "TEXT", nullable: true),
                    audio_key = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    audio_duration_seconds = table.Column<double>(type: "REAL", nullable: false),
                    sample_rate = table.Column<int>(type: "INTEGER", nullable: false),
                    quality = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    language = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    specialty = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    is_streaming = table.Column<bool>(type: "INTEGER", nullable: false),
                    word_count = table.Column<int>(type: "INTEGER", nullable: false),
                    error_code = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_transcriptions", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_transcriptions_session_id",
                table: "transcriptions",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "ix_transcriptions_user_created",
                table: "transcriptions",
                columns: new[] { "user_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "transcriptions");
        }
    }
}
