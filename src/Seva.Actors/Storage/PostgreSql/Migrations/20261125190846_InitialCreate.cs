using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Seva.Actors.Storage.PostgreSql.Migrations
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
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    session_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    transcript_text = table.Column<string>(type: "text", nullable: false),
                    partial_transcript = table.Column<string>(type: "text", nullable: true),
                    audio_key = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    audio_duration_seconds = table.Column<double>(type: "double precision", nullable: false),
                    sample_rate = table.Column<int>(type: "integer", nullable: false),
                    quality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    specialty = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    is_streaming = table.Column<bool>(type: "boolean", nullable: false),
                    word_count = table.Column<int>(type: "integer", nullable: false),
                    error_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    host_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    lease_expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                name: "ix_transcriptions_status",
                table: "transcriptions",
                column: "status");

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
