using Microsoft.EntityFrameworkCore;

namespace Seva.Actors.Storage;

public sealed class SevaDbContext(DbContextOptions<SevaDbContext> options) : DbContext(options)
{
    public DbSet<TranscriptionRecord> Transcriptions => Set<TranscriptionRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        var t = modelBuilder.Entity<TranscriptionRecord>();
        t.ToTable("transcriptions");
        t.HasKey(x => x.Id);
        t.Property(x => x.Id).HasColumnName("id");
        t.Property(x => x.UserId).HasColumnName("user_id").HasMaxLength(256);
        t.Property(x => x.SessionId).HasColumnName("session_id").HasMaxLength(64);
        t.Property(x => x.Status).HasColumnName("status").HasMaxLength(16);
        t.Property(x => x.TranscriptText).HasColumnName("transcript_text");
        t.Property(x => x.PartialTranscript).HasColumnName("partial_transcript");
        t.Property(x => x.AudioKey).HasColumnName("audio_key").HasMaxLength(512);
        t.Property(x => x.AudioDurationSeconds).HasColumnName("audio_duration_seconds");
        t.Property(x => x.SampleRate).HasColumnName("sample_rate");
        t.Property(x => x.Quality).HasColumnName("quality").HasMaxLength(16);
        t.Property(x => x.Language).HasColumnName("language").HasMaxLength(16);
        t.Property(x => x.Specialty).HasColumnName("specialty").HasMaxLength(64);
        t.Property(x => x.IsStreaming).HasColumnName("is_streaming");
        t.Property(x => x.WordCount).HasColumnName("word_count");
        t.Property(x => x.ErrorCode).HasColumnName("error_code").HasMaxLength(64);
        t.Property(x => x.CreatedAt).HasColumnName("created_at");
        t.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        t.HasIndex(x => x.SessionId).HasDatabaseName("ix_transcriptions_session_id");
        t.HasIndex(x => new { x.UserId, x.CreatedAt }).HasDatabaseName("ix_transcriptions_user_created");
    }
}
