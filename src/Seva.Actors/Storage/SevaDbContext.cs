using Microsoft.EntityFrameworkCore;

namespace Seva.Actors.Storage;

/// <summary>Transcription records. This type carries the SQLite migrations; each other provider has a
/// subclass carrying its own (EF Core finds migrations by context type).</summary>
public class SevaDbContext : DbContext
{
    public SevaDbContext(DbContextOptions<SevaDbContext> options)
        : base(options)
    {
    }

    protected SevaDbContext(DbContextOptions options)
        : base(options)
    {
    }

    public DbSet<TranscriptionRecord> Transcriptions => Set<TranscriptionRecord>();

    /// <summary>Every time is stored as UTC and read back as UTC: SQLite keeps no kind (it would come back
    /// Unspecified and serialise without its 'Z'), PostgreSQL refuses a non-UTC value.</summary>
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

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
        t.Property(x => x.Words).HasColumnName("words");
        t.Property(x => x.AudioKey).HasColumnName("audio_key").HasMaxLength(512);
        t.Property(x => x.AudioDurationSeconds).HasColumnName("audio_duration_seconds");
        t.Property(x => x.SampleRate).HasColumnName("sample_rate");
        t.Property(x => x.Quality).HasColumnName("quality").HasMaxLength(16);
        t.Property(x => x.Language).HasColumnName("language").HasMaxLength(16);
        t.Property(x => x.Specialty).HasColumnName("specialty").HasMaxLength(64);
        t.Property(x => x.IsStreaming).HasColumnName("is_streaming");
        t.Property(x => x.WordCount).HasColumnName("word_count");
        t.Property(x => x.ErrorCode).HasColumnName("error_code").HasMaxLength(64);
        t.Property(x => x.HostId).HasColumnName("host_id").HasMaxLength(128);
        t.Property(x => x.LeaseExpiresAt).HasColumnName("lease_expires_at");
        t.Property(x => x.CreatedAt).HasColumnName("created_at");
        t.Property(x => x.UpdatedAt).HasColumnName("updated_at");
        t.HasIndex(x => x.SessionId).HasDatabaseName("ix_transcriptions_session_id");
        t.HasIndex(x => new { x.UserId, x.CreatedAt }).HasDatabaseName("ix_transcriptions_user_created");
        t.HasIndex(x => x.Status).HasDatabaseName("ix_transcriptions_status");
    }
}

/// <summary>Marks times read from the database as UTC, and converts local times to UTC on the way in.</summary>
public sealed class UtcDateTimeConverter() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
