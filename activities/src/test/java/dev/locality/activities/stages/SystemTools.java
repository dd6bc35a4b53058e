package dev.locality.activities.stages;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Compressed and archived test inputs made by the real command-line tools ({@code gzip}, {@code
 * bzip2}, {@code xz}, {@code zstd}, {@code zip}, {@code tar}) and extraction by them ({@code
 * unzip}, {@code tar -x}, {@code zstd -d}, ...): an oracle independent of Commons Compress, the
 * library under test. Every call checks the tool's exit code and fails with its output; a missing
 * tool fails with a message saying what to install ({@code .ci/run} installs them).
 */
public final class SystemTools {
  private static final long TIMEOUT_SECONDS = 120;

  private SystemTools() {}

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static byte[] gzip(byte[] data) {
    return filter(data, "gzip", "-n", "-c");
  }

  public static byte[] gzip(String text) {
    return gzip(utf8(text));
  }

  public static byte[] bzip2(byte[] data) {
    return filter(data, "bzip2", "-c");
  }

  public static byte[] bzip2(String text) {
    return bzip2(utf8(text));
  }

  public static byte[] xz(byte[] data) {
    return filter(data, "xz", "-c");
  }

  public static byte[] xz(String text) {
    return xz(utf8(text));
  }

  public static byte[] zstd(byte[] data) {
    return filter(data, "zstd", "-q", "-c");
  }

  public static byte[] zstd(String text) {
    return zstd(utf8(text));
  }

  /** {@code gzip -1 -c source > target}, streaming (for large fixtures). */
  public static void gzipFile(Path source, Path target) {
    run(null, source, target, "gzip", "-1", "-n", "-c");
  }

  /** The decompressed content of {@code file} by {@code tool -d -c} (gzip, bzip2, xz, zstd). */
  public static byte[] decompress(String tool, Path file) {
    Path out = tempFile();
    try {
      run(null, file, out, tool, "-d", "-c");
      return Files.readAllBytes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(out);
    }
  }

  /** A tar (GNU format) made by {@code tar} of regular files: name, content, name, content, ... */
  public static byte[] tar(String... namesAndContents) {
    return archive(namesAndContents, "out.tar", "tar", "--format=gnu", "-cf", "out.tar");
  }

  /** A zip made by {@code zip -X -D} of regular files: name, content, name, content, ... */
  public static byte[] zip(String... namesAndContents) {
    return archive(namesAndContents, "out.zip", "zip", "-q", "-X", "-D", "out.zip");
  }

  /** Runs {@code command} (a system tool) in {@code dir}; fails on a non-zero exit. */
  public static void runIn(Path dir, String... command) {
    run(dir, null, null, command);
  }

  private static byte[] archive(String[] namesAndContents, String output, String... command) {
    Path dir = tempDir();
    try {
      Path src = Files.createDirectories(dir.resolve("src"));
      List<String> cmd = new ArrayList<>(List.of(command));
      cmd.set(cmd.size() - 1, dir.resolve(output).toString());
      for (int i = 0; i < namesAndContents.length; i += 2) {
        Path file = src.resolve(namesAndContents[i]);
        Files.createDirectories(file.getParent());
        Files.write(file, utf8(namesAndContents[i + 1]));
        cmd.add(namesAndContents[i]);
      }
      run(src, null, null, cmd.toArray(String[]::new));
      return Files.readAllBytes(dir.resolve(output));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  private static byte[] filter(byte[] data, String... command) {
    Path dir = tempDir();
    try {
      Path in = Files.write(dir.resolve("in"), data);
      Path out = dir.resolve("out");
      run(null, in, out, command);
      return Files.readAllBytes(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(dir);
    }
  }

  /** Runs a tool with stdin from {@code in} and stdout to {@code out} (either may be null). */
  private static void run(Path dir, Path in, Path out, String... command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    if (dir != null) builder.directory(dir.toFile());
    builder.environment().put("TZ", "UTC");
    builder.environment().put("LC_ALL", "C");
    builder.redirectInput(in != null ? ProcessBuilder.Redirect.from(in.toFile()) : nullInput());
    if (out != null) builder.redirectOutput(out.toFile());
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "system tool '"
              + command[0]
              + "' cannot be run ("
              + e.getMessage()
              + "); the tests need gzip, bzip2, xz, zstd, zip, unzip and tar on the PATH"
              + " (Debian: apt-get install -y bzip2 xz-utils zstd zip unzip)",
          e);
    }
    CompletableFuture<String> messages =
        CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
    CompletableFuture<String> stdout =
        out == null
            ? CompletableFuture.supplyAsync(() -> drain(process.getInputStream()))
            : CompletableFuture.completedFuture("");
    try {
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in time");
      }
      if (process.exitValue() != 0)
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited with "
                + process.exitValue()
                + ": "
                + messages.join()
                + stdout.join());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command[0], e);
    }
  }

  private static ProcessBuilder.Redirect nullInput() {
    return ProcessBuilder.Redirect.from(new java.io.File("/dev/null"));
  }

  private static String drain(InputStream stream) {
    try (stream) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      stream.transferTo(bytes);
      return bytes.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("locality-tools");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tempFile() {
    try {
      return Files.createTempFile("locality-tools", ".out");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void delete(Path path) {
    if (!Files.exists(path)) return;
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
