package dev.locality.it.harness;

import dev.locality.api.converter.PayloadKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Node.js programs in {@code integration-tests/src/test/node} (the TypeScript SDK client and
 * Locality's payload codec for it), run as child processes. {@link #require()} skips a test without
 * Node.js locally and fails it in CI ({@link CiRequirements}); it installs the npm packages on a
 * developer's first run ({@code .ci/run} installs them in CI).
 */
public final class NodeScripts {
  /** The directory of the scripts and their {@code package.json}. */
  public static final Path DIR = HarnessPaths.repoRoot().resolve("integration-tests/src/test/node");

  private NodeScripts() {}

  /** One finished run: exit code and stdout and stderr together. */
  public record Result(int exit, String output) {
    /** The last line of the output (the scripts print their answer as one JSON line). */
    public String lastLine() {
      return output.strip().lines().reduce((a, b) -> b).orElse("");
    }
  }

  /** Skips (locally) or fails (CI) without Node.js; installs the packages when missing. */
  public static void require() throws IOException, InterruptedException {
    CiRequirements.require(
        works("node", "--version"),
        "Node.js is not installed (the cross-language tests run a TypeScript client)");
    if (!Files.isDirectory(DIR.resolve("node_modules/@temporalio/client"))) {
      Result npm = run(Map.of(), 180, "npm", "ci", "--no-audit", "--no-fund");
      if (npm.exit() != 0) throw new AssertionError("npm ci in " + DIR + ": " + npm.output());
    }
  }

  /**
   * Runs {@code node script args...} in {@link #DIR} with {@code env} on top of this process's
   * environment, less {@link PayloadKey#ENV} unless {@code env} sets it; kills it after {@code
   * timeoutSeconds}.
   */
  public static Result node(Map<String, String> env, int timeoutSeconds, String... scriptAndArgs)
      throws IOException, InterruptedException {
    String[] command = new String[scriptAndArgs.length + 1];
    command[0] = "node";
    System.arraycopy(scriptAndArgs, 0, command, 1, scriptAndArgs.length);
    return run(env, timeoutSeconds, command);
  }

  private static Result run(Map<String, String> env, int timeoutSeconds, String... command)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("node-", ".out");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(List.of(command))
              .directory(DIR.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile());
      builder.environment().remove(PayloadKey.ENV);
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new AssertionError(
            String.join(" ", command)
                + " did not finish in "
                + timeoutSeconds
                + " s: "
                + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }

  private static boolean works(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getInputStream().readAllBytes();
      return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
