package dev.locality.activities.stages.download;

import dev.locality.stage.BadInputException;
import dev.locality.stage.ByteSizes;
import dev.locality.stage.StageContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The worker's limit on the size of one download ({@code maxDownloadBytes}), the same for every
 * scheme: checked against the size the source announces before any byte moves, and against the
 * bytes actually received while streaming (a file that grows, a server that sends more than it
 * announced or announces nothing). Exceeding it is a {@link BadInputException} naming the limit,
 * the size and the (redacted) source.
 *
 * <p>When a stage fetches several files, each file has its own {@code DownloadLimit} and all share
 * one {@link Total}: the same limit then also bounds the sum of their bytes. Thread-safe: the total
 * is shared between the files' threads; each file's own count is used by that file's thread only.
 */
final class DownloadLimit {
  private final long maxBytes;
  private final String source;
  private final Total total;
  private long counted;

  /**
   * @param maxBytes the largest download in bytes
   * @param source the source as it may be printed (already redacted)
   */
  DownloadLimit(long maxBytes, String source) {
    this(maxBytes, source, new Total(maxBytes));
  }

  private DownloadLimit(long maxBytes, String source, Total total) {
    this.maxBytes = maxBytes;
    this.source = source;
    this.total = total;
  }

  /** The limit the worker settings give ({@link DownloadOptions#MAX_BYTES}). */
  static DownloadLimit of(StageContext context, String source) {
    return new DownloadLimit(context.setting(DownloadOptions.MAX_BYTES), source);
  }

  /** The limit of another file of the same stage, sharing this one's total. */
  DownloadLimit forFile(String otherSource) {
    return new DownloadLimit(maxBytes, otherSource, total);
  }

  /** The bytes of all files of a stage together. Thread-safe. */
  static final class Total {
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();

    Total(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    /**
     * Checks sizes known before any transfer (a listing's object sizes).
     *
     * @throws BadInputException when they add up to more than the limit
     */
    static void checkListed(long maxBytes, long sum, int files) {
      if (sum > maxBytes) {
        throw new BadInputException(
            "the "
                + files
                + " files to download add up to "
                + sum
                + " bytes, more than the worker's limit of "
                + ByteSizes.describe(maxBytes)
                + " (worker setting "
                + DownloadOptions.MAX_BYTES.name()
                + ", which bounds a stage's files together)");
      }
    }

    private long add(long delta) {
      return bytes.addAndGet(delta);
    }
  }

  long maxBytes() {
    return maxBytes;
  }

  /**
   * Checks the size the source announces (a file's size, Content-Length, an object's size).
   *
   * @throws BadInputException when it exceeds the limit
   */
  void checkAnnounced(long size) {
    if (size > maxBytes) throw tooLarge("its size is " + size + " bytes");
  }

  /**
   * Checks the bytes received so far.
   *
   * @throws BadInputException when they exceed the limit
   */
  void checkReceived(long bytes) {
    if (bytes > maxBytes) {
      throw tooLarge(
          "it grew beyond that while downloading (more than "
              + maxBytes
              + " bytes received; the source grew or announced a wrong size)");
    }
    long sum = total.add(bytes - counted);
    counted = bytes;
    if (sum > maxBytes) {
      throw new BadInputException(
          "the files of this download exceed the worker's limit of "
              + ByteSizes.describe(maxBytes)
              + " together (worker setting "
              + DownloadOptions.MAX_BYTES.name()
              + ", which bounds a stage's files together): "
              + sum
              + " bytes received when "
              + source
              + " reached "
              + bytes);
    }
  }

  /** {@code in}, failing with {@link #checkReceived} as soon as it yields too many bytes. */
  InputStream guard(InputStream in) {
    return new FilterInputStream(in) {
      private long count;

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) checkReceived(++count);
        return b;
      }

      @Override
      public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) checkReceived(count += n);
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        checkReceived(count += skipped);
        return skipped;
      }
    };
  }

  private BadInputException tooLarge(String why) {
    return new BadInputException(
        "download of "
            + source
            + " exceeds the worker's limit of "
            + ByteSizes.describe(maxBytes)
            + " (worker setting "
            + DownloadOptions.MAX_BYTES.name()
            + "): "
            + why);
  }
}
