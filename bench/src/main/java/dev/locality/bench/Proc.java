package dev.locality.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A child process with its output in files ({@code WORK/logs/NAME.out} and {@code .err}). */
final class Proc {
  final String name;
  final Process process;
  final Path stdout;
  final Path stderr;
  final long startNanos = System.nanoTime();
  long endNanos;
  Path gcLog;

  private Proc(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static Proc start(String name, List<String> cmd, Map<String, String> env, Path dir)
      throws IOException {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    String safe = name.replaceAll("[^A-Za-z0-9_.-]", "_");
    Path out = logs.resolve(safe + ".out");
    Path err = logs.resolve(safe + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().putAll(env);
    return new Proc(name, pb.start(), out, err);
  }

  long pid() {
    return process.pid();
  }

  long elapsedMillis() {
    return ((endNanos == 0 ? System.nanoTime() : endNanos) - startNanos) / 1_000_000;
  }

  void waitForOutput(String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(stdout).contains(text)) return;
      if (!process.isAlive()) throw new IllegalStateException(name + " exited: " + tail());
      Thread.sleep(100);
    }
    throw new IllegalStateException(name + " did not print '" + text + "': " + tail());
  }

  /** VmHWM: the process's peak resident set size so far (kB), -1 when unknown. */
  long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("\\D", ""));
      }
    } catch (IOException | RuntimeException e) {
      // gone
    }
    return -1;
  }

  void kill() throws InterruptedException {
    process.destroyForcibly(); // SIGKILL
    process.waitFor(30, TimeUnit.SECONDS);
    endNanos = System.nanoTime();
  }

  /** SIGTERM (a worker drains), then SIGKILL after 60 s. */
  void stop() throws InterruptedException {
    if (!process.isAlive()) return;
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) kill();
    endNanos = System.nanoTime();
  }

  /** The last 20 lines of stdout and of stderr, for error messages. */
  String tail() {
    StringBuilder sb = new StringBuilder();
    for (Path p : List.of(stdout, stderr)) {
      try {
        List<String> lines = Files.readAllLines(p);
        sb.append("\n--- ").append(p).append(" (last lines)\n");
        for (String l : lines.subList(Math.max(0, lines.size() - 20), lines.size())) {
          sb.append(l).append('\n');
        }
      } catch (IOException e) {
        // ignore
      }
    }
    return sb.toString();
  }
}
