package dev.locality.activities.stages.compress;

import dev.locality.activities.stages.internal.Buffers;
import dev.locality.activities.stages.internal.OutputOpener;
import dev.locality.activities.stages.internal.SafePaths;
import dev.locality.activities.stages.internal.StreamCopy;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * One run of the {@code compress} stage: compresses input files one after another into the output
 * directory, each on its own or all into one archive, streaming with 64 KiB buffers (memory does
 * not grow with the input; the codec's own state is bounded by its level), and keeps the counts.
 * Not thread-safe.
 *
 * <p>Progress is the uncompressed bytes read, over all inputs, reported after every buffer; the
 * progress callback may throw (a cancelled stage) and the exception propagates, leaving partial
 * files for the framework to delete.
 */
final class Compression {
  private final Path outputDir;
  private final OutputOpener outputFiles;
  private final CompressFormat format;
  private final int level;
  private final int zstdWorkers;
  private final LongConsumer progress;
  private final List<Path> outputs = new ArrayList<>();
  private long bytesDoneBefore;

  Compression(
      Path outputDir,
      OutputOpener outputFiles,
      CompressFormat format,
      int level,
      int zstdWorkers,
      LongConsumer progress) {
    this.outputDir = outputDir;
    this.outputFiles = outputFiles;
    this.format = format;
    this.level = level;
    this.zstdWorkers = zstdWorkers;
    this.progress = progress;
  }

  /** The files written, in order. */
  List<Path> outputs() {
    return outputs;
  }

  /** Uncompressed bytes read so far. */
  long bytesIn() {
    return bytesDoneBefore;
  }

  /**
   * Compresses each source into {@code <name><suffix>}, {@code names} being the sources' names
   * relative to the output directory.
   */
  void compressEach(List<Path> sources, List<String> names) throws IOException {
    for (int i = 0; i < sources.size(); i++) {
      Path source = sources.get(i);
      Path target = SafePaths.resolveInside(outputDir, names.get(i) + format.suffix, "the inputs");
      Files.createDirectories(target.getParent());
      try (InputStream in = Files.newInputStream(source);
          OutputStream out = format.codec.wrap(open(target), level, zstdWorkers)) {
        long before = bytesDoneBefore;
        bytesDoneBefore += StreamCopy.copy(in, out, null, n -> progress.accept(before + n));
      }
      outputs.add(target);
    }
  }

  /**
   * Archives every source, as entry {@code names[i]}, into one file {@code fileName} in the output
   * directory.
   */
  void bundle(List<Path> sources, List<String> names, String fileName) throws IOException {
    Path target = SafePaths.resolveInside(outputDir, fileName, "option name");
    try (BundleWriter bundle = openBundle(target)) {
      for (int i = 0; i < sources.size(); i++) {
        Path source = sources.get(i);
        long before = bytesDoneBefore;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(source), Buffers.SIZE)) {
          bundle.add(names.get(i), Files.size(source), in, n -> progress.accept(before + n));
        }
        bytesDoneBefore += Files.size(source);
      }
    }
    outputs.add(target);
  }

  private BundleWriter openBundle(Path target) throws IOException {
    OutputStream file = open(target);
    if (format.bundle == CompressFormat.Bundle.ZIP) return new ZipBundleWriter(file, level);
    return new TarBundleWriter(format.codec.wrap(file, level, zstdWorkers));
  }

  private OutputStream open(Path target) throws IOException {
    return new BufferedOutputStream(outputFiles.create(target), Buffers.SIZE);
  }
}
