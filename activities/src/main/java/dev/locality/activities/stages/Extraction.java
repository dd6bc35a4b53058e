package dev.locality.activities.stages;

import dev.locality.activities.stages.CompressionFormat.Archive;
import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.EntryGlobs;
import dev.locality.activities.stages.internal.ProgressReporter;
import dev.locality.activities.stages.internal.SafePaths;
import dev.locality.api.stage.BadInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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

  private static final CompressorStreamFactory COMPRESSORS =
      new CompressorStreamFactory(true, MEMORY_LIMIT_KIB);

  private final Path outputDir;
  private final EntryGlobs include;
  private final ProgressReporter progress;
  private final Logger log;
  private final List<Path> outputs = new ArrayList<>();
  private long bytesDoneBefore;
  private long bytesOut;

  Extraction(Path outputDir, EntryGlobs include, ProgressReporter progress, Logger log) {
    this.outputDir = outputDir;
    this.include = include;
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
    try (SourceStream raw = new SourceStream(Files.newInputStream(source));
        InputStream buffered = new BufferedInputStream(raw, Buffers.SIZE)) {
      String compressor =
          format == CompressionFormat.AUTO ? detectCompressor(buffered) : format.compressor;
      InputStream data = buffered;
      if (compressor != null) {
        data = new BufferedInputStream(openCompressor(compressor, buffered, name), Buffers.SIZE);
      }
      Archive archive =
          format == CompressionFormat.AUTO ? detectArchive(data, name, compressor) : format.archive;
      if (compressor == null && archive == null) {
        throw new BadInputException(
            name
                + " is not a recognised compressed/archive format (supported: gzip, bzip2, xz,"
                + " zstd, zip, tar and tar combined with a compression)");
      }
      String what = CompressionFormat.describe(compressor, archive);
      Reading reading = new Reading(raw, what, name);
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
    progress.report(bytesDoneBefore);
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

  private Archive detectArchive(InputStream data, String name, String compressor)
      throws IOException {
    String detected;
    try {
      detected = ArchiveStreamFactory.detect(data);
    } catch (ArchiveException e) {
      rethrowReadFailure(e);
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

  private InputStream openCompressor(String compressor, InputStream in, String name)
      throws IOException {
    try {
      return COMPRESSORS.createCompressorInputStream(compressor, in, true);
    } catch (IOException | RuntimeException e) {
      throw corrupt(e, CompressionFormat.describe(compressor, null), name, null);
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
      String entryName = entry.getName();
      if (entry.isDirectory()) continue;
      if (entry.isSymbolicLink() || entry.isLink()) {
        throw link(entryName, entry.isSymbolicLink(), entry.getLinkName(), reading.input);
      }
      Path target = SafePaths.resolveInside(outputDir, entryName, reading.input);
      if (!entry.isFile()) {
        log.info("skipping entry '{}' in {}: not a regular file", entryName, reading.input);
        continue;
      }
      if (include.includes(entryName)) write(tar, target, reading, entryName);
    }
  }

  private void extractZipStream(ZipArchiveInputStream zip, Reading reading) throws IOException {
    ZipArchiveEntry entry;
    while ((entry = reading.next(zip::getNextEntry)) != null) {
      if (entry.isDirectory()) continue;
      Path target = SafePaths.resolveInside(outputDir, entry.getName(), reading.input);
      if (include.includes(entry.getName())) write(zip, target, reading, entry.getName());
    }
  }

  private void extractZipFile(Path source, String name, long size) throws IOException {
    String what = "zip";
    try (ZipFile zip = openZip(source, name)) {
      List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
      long compressedDone = 0;
      for (ZipArchiveEntry entry : entries) {
        String entryName = entry.getName();
        if (entry.isDirectory()) continue;
        if (entry.isUnixSymlink()) throw link(entryName, true, null, name);
        Path target = SafePaths.resolveInside(outputDir, entryName, name);
        if (!include.includes(entryName)) continue;
        InputStream in;
        try {
          in = zip.getInputStream(entry);
        } catch (IOException | RuntimeException e) {
          throw corrupt(e, what, name, entryName);
        }
        try (InputStream entryIn = in) {
          write(entryIn, target, new Reading(null, what, name), entryName);
        }
        compressedDone += Math.max(0, entry.getCompressedSize());
        progress.report(bytesDoneBefore + Math.min(compressedDone, size));
      }
    }
  }

  private static ZipFile openZip(Path source, String name) throws IOException {
    try {
      return ZipFile.builder().setPath(source).get();
    } catch (IOException | RuntimeException e) {
      throw corrupt(e, "zip", name, null);
    }
  }

  private void write(InputStream in, Path target, Reading reading, String entryName)
      throws IOException {
    byte[] buffer = new byte[Buffers.SIZE];
    try {
      Files.createDirectories(target.getParent());
      try (OutputStream out =
          Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        int n;
        while ((n = reading.read(in, buffer, entryName)) != -1) {
          out.write(buffer, 0, n);
          bytesOut += n;
          reading.reportProgress();
        }
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

  private static void rethrowReadFailure(Exception e) throws IOException {
    IOException failure = SourceStream.readFailureIn(e);
    if (failure != null) throw failure;
  }

  /**
   * Classifies an exception from a decompressor: a read failure of the input file is rethrown as
   * transient; anything else is corrupt or truncated content.
   */
  private static BadInputException corrupt(
      Exception e, String format, String input, String entryName) throws IOException {
    rethrowReadFailure(e);
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new BadInputException(
        "corrupt or truncated "
            + format
            + " data in "
            + input
            + (entryName == null ? "" : " (entry '" + entryName + "')")
            + ": "
            + detail,
        e);
  }

  /** Reads from a decompressor or archive stream, classifying its failures. */
  private final class Reading {
    private final SourceStream raw;
    private final String format;
    private final String input;

    Reading(SourceStream raw, String format, String input) {
      this.raw = raw;
      this.format = format;
      this.input = input;
    }

    int read(InputStream in, byte[] buffer, String entryName) throws IOException {
      try {
        return in.read(buffer);
      } catch (IOException | RuntimeException e) {
        throw corrupt(e, format, input, entryName);
      }
    }

    <T> T next(EntrySupplier<T> next) throws IOException {
      try {
        return next.get();
      } catch (IOException | RuntimeException e) {
        if (e instanceof BadInputException bad) throw bad;
        throw corrupt(e, format, input, null);
      }
    }

    void reportProgress() {
      if (raw != null) progress.report(bytesDoneBefore + raw.count());
    }
  }

  @FunctionalInterface
  private interface EntrySupplier<T> {
    T get() throws IOException;
  }
}
