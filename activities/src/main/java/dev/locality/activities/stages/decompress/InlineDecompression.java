package dev.locality.activities.stages.decompress;

import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.ReadAheadInputStream;
import dev.locality.stage.BadInputException;
import dev.locality.stage.StageContext;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.compress.archivers.ArchiveException;
import org.apache.commons.compress.archivers.ArchiveStreamFactory;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

/**
 * Opens the data inputs of a stage that reads their content (transform-csv), inflating compressed
 * ones on the fly: what {@code decompress} would have written is read straight from the compressed
 * file, inflated on a thread of its own ({@link ReadAheadInputStream}, {@value #BUFFERS} buffers of
 * 1 MiB in flight) while the stage's thread parses, so the two overlap on two cores.
 *
 * <p><b>Detection</b> is from the content, never the name, as {@code decompress}'s {@code format:
 * auto}, from the first 1 KiB: gzip (also multi-member), bzip2, xz and zstd are inflated; anything
 * else is read as it is, by a plain {@link Files#newInputStream} on the caller's thread (no extra
 * thread). Archives (zip, tar, tar inside a compression, 7z) are bad input naming the input and
 * saying to add a {@code decompress} stage.
 *
 * <p><b>Failures</b>: corrupt or truncated compressed data is a {@link BadInputException} worded as
 * {@code decompress} words it (format, input, compressed offset reached), thrown by the read that
 * reaches it; a read failure of the file stays a transient {@link IOException}.
 *
 * <p><b>Limits</b>: {@code decompress}'s worker settings {@link
 * DecompressOptions#MAX_UNCOMPRESSED_BYTES maxUncompressedBytes} (here: bytes inflated from all
 * inputs of the stage run; reading an input again, as the CSV engine's fallback does, counts it
 * once) and {@link DecompressOptions#MAX_COMPRESSION_RATIO maxCompressionRatio} (per input), the
 * same settings with the same values, checked after every read of the inflater. A stage using this
 * declares both in its {@code settings()} (sharing the constants), so one {@code --setting} bounds
 * both stages.
 *
 * <p>Thread-safety: one instance per stage run, used by its thread; inputs are opened one at a time
 * (the previous one closed first). The caller closes each stream it opens; closing stops and joins
 * the inflating thread. Neither this class nor its thread heartbeats: the caller keeps its
 * heartbeat duty while reading.
 */
public final class InlineDecompression {
  /** Prefix of the inflating threads' names (followed by the input's name). */
  public static final String THREAD_NAME_PREFIX = "locality-inflate ";

  /** Buffers handed from the inflating thread to the reader at most at once. */
  static final int BUFFERS = 4;

  static final int BUFFER_SIZE = 1024 * 1024;

  /** Enough of a file's start for every signature {@code detect} looks at (a tar header). */
  private static final int HEAD_BYTES = 1024;

  private final DecompressionLimits limits;
  private final String reader;
  private long inflatedBefore;
  private Path current;
  private final AtomicLong currentInflated = new AtomicLong();

  /** The last bad input the inflating found itself (set by the inflating thread). */
  private volatile BadInputException raised;

  /**
   * @param reader the reading stage's type, for messages
   */
  InlineDecompression(DecompressionLimits limits, String reader) {
    this.limits = limits;
    this.reader = reader;
  }

  /** With the limits configured on the worker ({@code decompress}'s settings). */
  public static InlineDecompression from(StageContext context, String readerStageType) {
    return new InlineDecompression(DecompressionLimits.from(context), readerStageType);
  }

  /**
   * The compression of {@code source} from its first bytes ({@code gzip}, {@code bzip2}, {@code
   * xz}, {@code zstd}), or null when it is none of them.
   */
  public static String compression(Path source) throws IOException {
    String compressor = compressor(head(source));
    return compressor == null ? null : CompressionFormat.describe(compressor, null);
  }

  /**
   * The name of the decompressed content, as {@code decompress} names its output: {@code
   * sales.csv.gz} gives {@code sales.csv}.
   */
  public static String decompressedName(String name) {
    return CompressionFormat.stripSuffix(name);
  }

  /**
   * Opens {@code source} for reading its (decompressed) content.
   *
   * @param name the input's name for messages and the thread's name
   * @throws BadInputException when it is an archive
   */
  public InputStream open(Path source, String name) throws IOException {
    byte[] head = head(source);
    String compressor = compressor(head);
    if (compressor == null) {
      refuseArchive(plainArchive(head), null, name);
      return Files.newInputStream(source);
    }
    if (!source.equals(current)) {
      inflatedBefore += currentInflated.get();
      current = source;
    }
    currentInflated.set(0);
    long size = Files.size(source);
    String format = CompressionFormat.describe(compressor, null);
    long before = inflatedBefore;
    return ReadAheadInputStream.start(
        THREAD_NAME_PREFIX + name,
        () -> inflating(source, name, size, compressor, format, before),
        BUFFER_SIZE,
        BUFFERS);
  }

  /**
   * The failure to report when reading {@code source} failed as bad input ({@code found}: malformed
   * CSV, too many rejects): when {@code source} is compressed and its data is corrupt, the corrupt
   * data is the cause (a flipped byte inflates to garbage the parser may refuse before the format's
   * checksum is reached), reported with {@code found} suppressed; else {@code found}. Inflates the
   * file again to find out, on the calling thread, calling {@code heartbeat} after every buffer
   * (which may throw to cancel).
   *
   * @throws IOException when the file cannot be read (transient)
   */
  public BadInputException explain(
      Path source, String name, BadInputException found, Runnable heartbeat) throws IOException {
    if (found == raised) return found; // the inflating's own finding
    String compressor = compressor(head(source));
    if (compressor == null) return found;
    String format = CompressionFormat.describe(compressor, null);
    long size = Files.size(source);
    byte[] buffer = new byte[Buffers.SIZE];
    try (InputStream in = inflating(source, name, size, compressor, format, 0)) {
      for (int n = 0; in.read(buffer) >= 0; n++) {
        if ((n & 15) == 0) heartbeat.run(); // every MiB
      }
    } catch (BadInputException corrupt) {
      corrupt.addSuppressed(found);
      return corrupt;
    }
    return found;
  }

  /** The inflated content, on the inflating thread: opened, checked for an archive, limited. */
  private InputStream inflating(
      Path source, String name, long size, String compressor, String format, long before)
      throws IOException {
    SourceStream raw = new SourceStream(Files.newInputStream(source));
    try {
      InputStream buffered = new BufferedInputStream(raw, Buffers.SIZE);
      InputStream inflater;
      try {
        inflater = Extraction.COMPRESSORS.createCompressorInputStream(compressor, buffered, true);
      } catch (IOException | RuntimeException e) {
        throw CorruptInput.of(e, format, name, null, CorruptInput.where(raw.count(), size));
      }
      Limited limited = new Limited(inflater, raw, size, format, name, before);
      BufferedInputStream data = new BufferedInputStream(limited, Buffers.SIZE);
      String archive;
      try {
        archive = archive(data);
      } catch (ArchiveException e) {
        // the inflater failed while the archive detector peeked at its output
        throw e.getCause() instanceof IOException io ? io : new IOException(e);
      }
      refuseArchive(archive, format, name);
      return data;
    } catch (IOException | RuntimeException | Error e) {
      raw.close();
      if (e instanceof BadInputException bad) raised = bad;
      throw e;
    }
  }

  private static byte[] head(Path source) throws IOException {
    try (InputStream in = Files.newInputStream(source)) {
      return in.readNBytes(HEAD_BYTES);
    }
  }

  private static String compressor(byte[] head) throws IOException {
    try {
      String detected = CompressorStreamFactory.detect(new ByteArrayInputStream(head));
      if (!CompressionFormat.DETECTABLE_COMPRESSORS.contains(detected)) return null;
      if (detected.equals(CompressorStreamFactory.BZIP2) && !bzip2(head)) return null;
      return detected;
    } catch (CompressorException e) {
      return null; // no signature: not compressed
    }
  }

  /**
   * Whether the head, which starts with {@code BZh}, is bzip2 and not text that happens to start
   * so: a block size digit, then the magic of a block or of the end of the stream.
   */
  private static boolean bzip2(byte[] head) {
    if (head.length < 10 || head[3] < '1' || head[3] > '9') return false;
    long magic = 0;
    for (int i = 4; i < 10; i++) magic = magic << 8 | (head[i] & 0xFF);
    return magic == 0x314159265359L || magic == 0x177245385090L;
  }

  private static String plainArchive(byte[] head) {
    try {
      return archive(new ByteArrayInputStream(head));
    } catch (ArchiveException e) {
      return null; // a detector failed on what is not its format
    }
  }

  /** The archive {@code in} starts with ({@code tar}, {@code zip}, ...), or null; resets it. */
  private static String archive(InputStream in) throws ArchiveException {
    String detected;
    try {
      detected = ArchiveStreamFactory.detect(in);
    } catch (ArchiveException e) {
      if (e.getCause() != null) throw e;
      return null; // no archive signature
    }
    return switch (detected) {
      case ArchiveStreamFactory.TAR,
          ArchiveStreamFactory.ZIP,
          ArchiveStreamFactory.JAR,
          ArchiveStreamFactory.SEVEN_Z ->
          detected.equals(ArchiveStreamFactory.JAR) ? ArchiveStreamFactory.ZIP : detected;
      default -> null; // cpio, ar, arj, dump signatures can be text: read it as text
    };
  }

  private void refuseArchive(String archive, String compression, String name) {
    if (archive == null) return;
    throw new BadInputException(
        name
            + " is a "
            + archive
            + " archive"
            + (compression == null ? "" : " (" + compression + ")")
            + ", and "
            + reader
            + " reads a file's content, not an archive's entries: add a decompress stage before"
            + " it to extract the entries");
  }

  /**
   * The inflater's output, counted against the limits; its failures classified as {@code
   * decompress} classifies them. Used by the inflating thread only.
   */
  private final class Limited extends FilterInputStream {
    private final SourceStream raw;
    private final long size;
    private final String format;
    private final String name;
    private final long before;
    private long out;

    Limited(
        InputStream inflater,
        SourceStream raw,
        long size,
        String format,
        String name,
        long before) {
      super(inflater);
      this.before = before;
      this.raw = raw;
      this.size = size;
      this.format = format;
      this.name = name;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      try {
        return counted(inflate(buffer, offset, length));
      } catch (BadInputException e) {
        raised = e;
        throw e;
      }
    }

    private int inflate(byte[] buffer, int offset, int length) throws IOException {
      try {
        return in.read(buffer, offset, length);
      } catch (IOException | RuntimeException e) {
        throw CorruptInput.of(e, format, name, null, CorruptInput.where(raw.count(), size));
      }
    }

    private int counted(int n) {
      if (n > 0) {
        out += n;
        currentInflated.set(out);
        limits.checkOutput(before + out, out, raw.count(), name);
      }
      return n;
    }

    /** Skips by reading, so that skipped bytes count too (the inflater's skip would not). */
    @Override
    public long skip(long n) throws IOException {
      byte[] buffer = new byte[(int) Math.min(Buffers.SIZE, Math.max(0, n))];
      long left = n;
      while (left > 0) {
        int r = read(buffer, 0, (int) Math.min(buffer.length, left));
        if (r < 0) break;
        left -= r;
      }
      return n - left;
    }
  }
}
