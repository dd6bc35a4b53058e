package dev.locality.stages.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The system's tools as independent oracles: Python's csv/json modules, gzip, zstd, sha256sum. */
final class Tools {
  private Tools() {}

  /**
   * Runs {@code oracle.py} with these arguments and returns its output; fails on exit code != 0.
   */
  static String oracle(String... args) {
    Path script;
    try (InputStream in = Tools.class.getResourceAsStream("/oracle.py")) {
      script = Files.createTempFile("oracle", ".py");
      Files.write(script, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> command = new ArrayList<>(List.of("python3", script.toString()));
    command.addAll(List.of(args));
    return run(command.toArray(String[]::new));
  }

  /** Runs a command, returns its standard output; fails with its output when it exits non-zero. */
  static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("timed out: " + command[0]);
      if (p.exitValue() != 0)
        throw new AssertionError(
            String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
      return out.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
