package dev.locality.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One run of the {@code locality} CLI jar as a child JVM, to completion, the way a user types it.
 * Standard output and error are kept in files under a directory the caller names (so they survive
 * for diagnosis) and returned in the {@link Result}.
 *
 * @param exitCode the process's exit code
 * @param stdout what it printed on standard output
 * @param stderr what it printed on standard error
 */
public record CliRun(int exitCode, String stdout, String stderr) {

  /**
   * Runs {@code java -jar <cli jar> <args>}.
   *
   * @param workingDir the directory it runs in (relative paths in {@code args} resolve there)
   * @param env the {@code TEMPORAL_*} / {@code LOCALITY_*} environment; inherited ones are dropped
   * @param logDir where {@code cli.out} and {@code cli.err} are written
   * @throws IllegalStateException if it has not ended within the timeout (it is killed)
   */
  public static CliRun run(
      Path jar,
      Path workingDir,
      Map<String, String> env,
      Path logDir,
      Duration timeout,
      String... args) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "CLI jar not found: " + jar + " (build starter-app with `package` first)");
    }
    try {
      Files.createDirectories(logDir);
      Path out = logDir.resolve("cli.out");
      Path err = logDir.resolve("cli.err");
      ProcessBuilder builder =
          new ProcessBuilder(Jvm.command(jar, List.of(args)))
              .directory(workingDir.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      Jvm.isolate(builder.environment(), env);
      Process process = builder.start();
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(
              "CLI "
                  + List.of(args)
                  + " still running after "
                  + timeout
                  + "; stderr:\n"
                  + read(err));
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      return new CliRun(process.exitValue(), read(out), read(err));
    } catch (IOException e) {
      throw new UncheckedIOException("could not run the CLI", e);
    }
  }

  private static java.io.File nullDevice() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
