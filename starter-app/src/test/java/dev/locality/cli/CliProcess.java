package dev.locality.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code locality} as a separate JVM, the way a user does: {@code java -cp <this test's class
 * path> dev.locality.cli.LocalityCli ARGS}, with stdin, stdout and stderr not a terminal. Captures
 * exit code, stdout and stderr.
 */
final class CliProcess {
  /**
   * @param exitCode the process's exit code
   * @param out what it printed on stdout
   * @param err what it printed on stderr
   */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  private CliProcess() {}

  /**
   * @param env variables added to this JVM's environment (TEMPORAL_* of the machine are removed)
   */
  static Result run(Path workDir, Map<String, String> env, long timeoutSeconds, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LocalityCli.class.getName());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(workDir, "cli-out", ".txt");
    Path err = Files.createTempFile(workDir, "cli-err", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("TEMPORAL_"));
    builder
        .environment()
        .put("TEMPORAL_CONFIG_FILE", workDir.resolve("no-temporal.toml").toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          "locality "
              + String.join(" ", args)
              + " did not end in "
              + timeoutSeconds
              + " s\n--- stdout\n"
              + Files.readString(out)
              + "\n--- stderr\n"
              + Files.readString(err));
    }
    return new Result(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static java.io.File nullFile() {
    return new java.io.File(
        System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }
}
