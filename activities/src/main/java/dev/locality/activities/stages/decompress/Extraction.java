package dev.locality.activities.stages.decompress;

import dev.locality.activities.stages.decompress.CompressionFormat.Archive;
import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.EntryGlobs;
import dev.locality.activities.stages.internal.OutputOpener;
import dev.locality.activities.stages.internal.SafePaths;
import dev.locality.stage.BadInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.ArchiveException;
import org.apache.commons.compress.archivers.ArchiveStreamFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.slf4j.Logger;

/**
 * One run of {@link DecompressStage}: decompresses or extracts input files one after another into
 * the output directory, streaming with 64 KiB buffers, and keeps the counts. Not thread-safe.
 *
 * <p>Failure classification: an I/O error reading an input file or writing an output is thrown as
 * {@link IOException} (transient); anything a decompressor or archive reader rejects is a {@link
 * BadInputException} naming the format, the input and the entry.
 */
final class Extraction {
  /** Refuses xz/lzma streams whose dictionary would need more memory than this. */
  private static final int MEMORY_LIMIT_KIB = 256 * 1024;

  static final CompressorStreamFactory COMPRESSORS =
      new CompressorStreamFactory(true, MEMORY_LIMIT_KIB);

  private final Path outputDir;
  private final OutputOpener outputFiles;
  private final EntryGlobs include;
  private final DecompressionLimits limits;
  private final LongConsumer progress;
  private final Logger log;
  private final List<Path> outputs = new ArrayList<>();
  private long bytesDoneBefore;
  private long bytesOut;
  private long inputOut;
  private long entries;

  Extraction(
      Path outputDir,
      OutputOpener outputFiles,
      EntryGlobs include,
      DecompressionLimits limits,
      LongConsumer progress,
      Logger log) {
    this.outputDir = outputDir;
    this.outputFiles = outputFiles;
    this.include = include;
    this.limits = limits;
    this.progress = progress;
    this.log = log;
  }

  List<Path> outputs() {
    return outputs;
  }

  long bytesOut() {
    return bytesOut;
  }

  /**
   * Decompresses or extracts one input file.
   *
   * @param name the input's name for messages
   * @param singleOutputName where a plain compressed file goes, relative to the output directory
   */
  void process(Path source, String name, String singleOutputName, CompressionFormat format)
      throws IOException {
    long size = Files.size(source);
    boolean zipFromFile = false;
    inputOut = 0;
    try (SourceStream raw = new SourceStream(Files.newInputStream(source));
        InputStream buffered = new BufferedInputStream(raw, Buffers.SIZE)) {
      String compressor =
          format == CompressionFormat.AUTO ? detectCompressor(buffered) : format.compressor;
      InputStream data = buffered;
      if (compressor != null) {
        Reading opening =
            new Reading(raw::count, size, CompressionFormat.describe(compressor, null), name);
        data = new BufferedInputStream(openCompressor(compressor, buffered, opening), Buffers.SIZE);
      }
      Archive archive =
          format == CompressionFormat.AUTO
              ? detectArchive(data, name, compressor, raw, size)
              : format.archive;
      if (compressor == null && archive == null) {
        throw new BadInputException(
            name
                + " is not a recognised compressed/archive format (supported: gzip, bzip2, xz,"
                + " zstd, zip, tar and tar combined with a compression)");
      }
      String what = CompressionFormat.describe(compressor, archive);
      Reading reading = new Reading(raw::count, size, what, name);
      if (archive == null) {
        writeSingle(data, singleOutputName, reading);
      } else if (archive == Archive.TAR) {
        extractTar(new TarArchiveInputStream(data), reading);
      } else if (compressor == null) {
        zipFromFile = true; // the central directory (entry types) needs random access
      } else {
        extractZipStream(new ZipArchiveInputStream(data, "UTF-8", true, true), reading);
      }
    }
    if (zipFromFile) extractZipFile(source, name, size);
    bytesDoneBefore += size;
    progress.accept(bytesDoneBefore);
  }

  /**
   * Whether {@code source} is one compressed file in {@code format} (gzip, bzip2, xz or zstd, no
   * archive inside), judged from its first bytes (inflating the start to look for an archive): what
   * {@code materialize: false} hands on unchanged. False for archives and for content that is not
   * in {@code format}, which {@link #process} then handles (or refuses) as always.
   *
   * @param name the input's name for messages
   * @throws BadInputException when the start of the data is corrupt, or an unsupported archive
   */
  boolean isSingleCompressedFile(Path source, String name, CompressionFormat format)
      throws IOException {
    if (format.archive != null) return false;
    long size = Files.size(source);
    try (SourceStream raw = new SourceStream(Files.newInputStream(source));
        InputStream buffered = new BufferedInputStream(raw, Buffers.SIZE)) {
      String compressor = detectCompressor(buffered);
      if (compressor == null) return false;
      if (format != CompressionFormat.AUTO) return compressor.equals(format.compressor);
      Reading opening =
          new Reading(raw::count, size, CompressionFormat.describe(compressor, null), name);
      InputStream data =
          new BufferedInputStream(openCompressor(compressor, buffered, opening), Buffers.SIZE);
      return detectArchive(data, name, compressor, raw, size) == null;
    }
  }

  private String detectCompressor(InputStream buffered) throws IOException {
    try {
      String detected = CompressorStreamFactory.detect(buffered);
      return CompressionFormat.DETECTABLE_COMPRESSORS.contains(detected) ? detected : null;
    } catch (CompressorException e) {
      rethrowReadFailure(e);
      return null;
    }
  }

  private Archive detectArchive(
      InputStream data, String name, String compressor, SourceStream raw, long size)
      throws IOException {
    String detected;
    try {
      detected = ArchiveStreamFactory.detect(data);
    } catch (ArchiveException e) {
      rethrowReadFailure(e);
      if (compressor != null && e.getCause() != null) {
        // the decompressor failed while the archive detector peeked at its output
        throw new Reading(raw::count, size, CompressionFormat.describe(compressor, null), name)
            .corrupt(e.getCause(), null);
      }
      return null;
    }
    switch (detected) {
      case ArchiveStreamFactory.TAR:
        return Archive.TAR;
      case ArchiveStreamFactory.ZIP:
      case ArchiveStreamFactory.JAR:
        return Archive.ZIP;
      default:
        throw new BadInputException(
            name
                + " is a "
                + detected
                + " archive"
                + (compressor == null
                    ? ""
                    : " (" + CompressionFormat.describe(compressor, null) + ")")
                + ", which is not supported (supported archives: zip, tar)");
    }
  }

  private static InputStream openCompressor(String compressor, InputStream in, Reading reading)
      throws IOException {
    try {
      return COMPRESSORS.createCompressorInputStream(compressor, in, true);
    } catch (IOException | RuntimeException e) {
      throw reading.corrupt(e, null);
    }
  }

  private void writeSingle(InputStream data, String outputName, Reading reading)
      throws IOException {
    Path target = SafePaths.resolveInside(outputDir, outputName, reading.input);
    write(data, target, reading, null);
  }

  private void extractTar(TarArchiveInputStream tar, Reading reading) throws IOException {
    TarArchiveEntry entry;
    while ((entry = reading.next(tar::getNextEntry)) != null) {
      limits.checkEntries(++entries, reading.input);
      String entryName = entry.getName();
      if (entry.isDirectory()) continue;
      if (entry.isSymbolicLink() || entry.isLink()) {
        throw link(entryName, entry.isSymbolicLink(), entry.getLinkName(), reading.input);
      }
      Path target = SafePaths.resolveInside(outputDir, entryName, reading.input);
      if (!entry.isFile()) {
        log.info("skipping entry '{}' in {}: not a regular file", entryName, reading.input);
        skip(tar, reading, entryName);
        continue;
      }
      if (include.includes(entryName)) write(tar, target, reading, entryName);
      else skip(tar, reading, entryName);
    }
  }

  private void extractZipStream(ZipArchiveInputStream zip, Reading reading) throws IOException {
    ZipArchiveEntry entry;
    while ((entry = reading.next(zip::getNextEntry)) != null) {
      limits.checkEntries(++entries, reading.input);
      if (entry.isDirectory()) continue;
      Path target = SafePaths.resolveInside(outputDir, entry.getName(), reading.input);
      if (include.includes(entry.getName())) write(zip, target, reading, entry.getName(), entry);
      else skip(zip, reading, entry.getName());
    }
  }

  private void extractZipFile(Path source, String name, long size) throws IOException {
    try (ZipFile zip = openZip(source, name, size)) {
      List<ZipArchiveEntry> zipEntries = Collections.list(zip.getEntriesInPhysicalOrder());
      limits.checkEntries(entries + zipEntries.size(), name);
      entries += zipEntries.size();
      long compressedDone = 0;
      for (ZipArchiveEntry entry : zipEntries) {
        String entryName = entry.getName();
        if (entry.isDirectory()) continue;
        if (entry.isUnixSymlink()) throw link(entryName, true, null, name);
        Path target = SafePaths.resolveInside(outputDir, entryName, name);
        if (!include.includes(entryName)) continue;
        long entryEnd = Math.min(size, compressedDone + Math.max(0, entry.getCompressedSize()));
        Reading reading = new ZipEntryReading(entryEnd, size, name, entry.getLocalHeaderOffset());
        InputStream in;
        try {
          in = zip.getInputStream(entry);
        } catch (IOException | RuntimeException e) {
          throw reading.corrupt(e, entryName);
        }
        try (InputStream entryIn = in) {
          write(entryIn, target, reading, entryName, entry);
        }
        compressedDone = entryEnd;
        progress.accept(bytesDoneBefore + compressedDone);
      }
    }
  }

  private ZipFile openZip(Path source, String name, long size) throws IOException {
    try {
      return ZipFile.builder().setPath(source).get();
    } catch (IOException | RuntimeException e) {
      rethrowReadFailure(e);
      String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new BadInputException(
          "corrupt or truncated zip data in "
              + name
              + " ("
              + size
              + " bytes): its central directory cannot be read: "
              + detail,
          e);
    }
  }

  /**
   * Reads past an entry that is not extracted, heartbeating as it goes: left to the archive
   * stream's {@code getNextEntry}, a large excluded entry would be skipped in one silent pass.
   */
  private void skip(InputStream in, Reading reading, String entryName) throws IOException {
    byte[] buffer = new byte[Buffers.SIZE];
    while (reading.read(in, buffer, entryName) != -1) reading.reportProgress();
  }

  private void write(InputStream in, Path target, Reading reading, String entryName)
      throws IOException {
    write(in, target, reading, entryName, null);
  }

  /**
   * Writes one output; for a zip entry ({@code zipEntry} not null) also checks the CRC-32 of what
   * was written against the archive's (zip readers do not).
   */
  private void write(
      InputStream in, Path target, Reading reading, String entryName, ZipArchiveEntry zipEntry)
      throws IOException {
    byte[] buffer = new byte[Buffers.SIZE];
    CRC32 crc = zipEntry == null ? null : new CRC32();
    try {
      Files.createDirectories(target.getParent());
      try (OutputStream out = outputFiles.create(target)) {
        int n;
        while ((n = reading.read(in, buffer, entryName)) != -1) {
          out.write(buffer, 0, n);
          if (crc != null) crc.update(buffer, 0, n);
          bytesOut += n;
          inputOut += n;
          limits.checkOutput(
              bytesOut,
              inputOut,
              reading.consumed(),
              entryName == null ? reading.input : "entry '" + entryName + "' of " + reading.input);
          reading.reportProgress();
        }
      }
      if (crc != null && zipEntry.getCrc() != -1 && crc.getValue() != zipEntry.getCrc()) {
        throw reading.corrupt(
            new IOException(
                String.format(
                    "CRC-32 of the extracted data is %08x, the archive says %08x",
                    crc.getValue(), zipEntry.getCrc())),
            entryName);
      }
    } catch (FileAlreadyExistsException e) {
      throw new BadInputException(
          (entryName == null ? "output " : "entry '" + entryName + "' in ")
              + reading.input
              + " collides with a file already extracted: "
              + outputDir.relativize(target)
              + " (duplicate entry, or two inputs with the same entry)",
          e);
    }
    outputs.add(target);
  }

  private static BadInputException link(
      String entryName, boolean symbolic, String linkTarget, String input) {
    return new BadInputException(
        "entry '"
            + entryName
            + "' in "
            + input
            + " is a "
            + (symbolic ? "symbolic" : "hard")
            + " link"
            + (linkTarget == null || linkTarget.isEmpty() ? "" : " to '" + linkTarget + "'")
            + "; links are not extracted");
  }

  private static void rethrowReadFailure(Throwable e) throws IOException {
    CorruptInput.rethrowReadFailure(e);
  }

  /**
   * Reads from a decompressor or archive stream, classifying its failures: a read failure of the
   * input file is rethrown as transient; anything else is corrupt or truncated content, reported
   * with the compressed offset reached.
   */
  private class Reading {
    private final LongSupplier consumed;
    final long size;
    final String format;
    final String input;

    Reading(LongSupplier consumed, long size, String format, String input) {
      this.consumed = consumed;
      this.size = size;
      this.format = format;
      this.input = input;
    }

    /** Compressed bytes of the input read so far (the decoders read ahead by one buffer). */
    long consumed() {
      return consumed.getAsLong();
    }

    int read(InputStream in, byte[] buffer, String entryName) throws IOException {
      try {
        return in.read(buffer);
      } catch (IOException | RuntimeException e) {
        throw corrupt(e, entryName);
      }
    }

    <T> T next(EntrySupplier<T> next) throws IOException {
      try {
        return next.get();
      } catch (IOException | RuntimeException e) {
        if (e instanceof BadInputException bad) throw bad;
        throw corrupt(e, null);
      }
    }

    void reportProgress() {
      progress.accept(bytesDoneBefore + consumed());
    }

    BadInputException corrupt(Throwable e, String entryName) throws IOException {
      return CorruptInput.of(e, format, input, entryName, where());
    }

    String where() {
      return CorruptInput.where(consumed(), size);
    }
  }

  /** Reading one entry of a zip file opened through its central directory. */
  private final class ZipEntryReading extends Reading {
    private final long localHeaderOffset;

    ZipEntryReading(long consumedAtEnd, long size, String input, long localHeaderOffset) {
      super(() -> consumedAtEnd, size, "zip", input);
      this.localHeaderOffset = localHeaderOffset;
    }

    @Override
    String where() {
      return "in the entry whose header is at offset "
          + localHeaderOffset
          + " of "
          + size
          + " bytes";
    }
  }

  @FunctionalInterface
  private interface EntrySupplier<T> {
    T get() throws IOException;
  }
}
