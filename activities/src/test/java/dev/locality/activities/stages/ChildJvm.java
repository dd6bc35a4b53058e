package dev.locality.activities.stages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a test {@code main} class in a separate JVM with the test class path, a capped heap, {@code
 * -XX:+ExitOnOutOfMemoryError} (as the worker image runs: an OutOfMemoryError ends the child with a
 * non-zero exit instead of being caught) and unified GC logging to {@code dir/gc.log}, read back as
 * {@link GcLog}.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** What the child printed and how it ended. */
  public record Result(int exit, String output, GcLog gc) {
    /** The first output line starting with {@code prefix}, or empty. */
    public String line(String prefix) {
      return output.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
    }

    /** The value of {@code key=value} on the line starting with {@code prefix}. */
    String value(String prefix, String key) {
      String line = line(prefix);
      Matcher m = Pattern.compile("\\b" + Pattern.quote(key) + "=(\\S+)").matcher(line);
      if (!m.find()) throw new AssertionError(key + " not in '" + line + "'; output:\n" + output);
      return m.group(1);
    }

    long longValue(String prefix, String key) {
      return Long.parseLong(value(prefix, key));
    }
  }

  public static Result run(Path dir, String maxHeap, Class<?> main, String... args)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    String classpath = System.getProperty("surefire.test.class.path");
    if (classpath == null || classpath.isBlank()) classpath = System.getProperty("java.class.path");
    Path gcLog = dir.resolve("gc.log");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap,
                "-XX:+ExitOnOutOfMemoryError",
                "-Xlog:gc*:file=" + gcLog,
                "-Dlogback.configurationFile=logback-test.xml",
                "-cp",
                classpath,
                main.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    return new Result(exit, output, GcLog.read(gcLog));
  }
}
