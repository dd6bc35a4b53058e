package dev.locality.activities.stages.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The join done independently by Python's csv and json modules ({@code oracles/lookup_join.py}),
 * and our files read back by Python, both as JSON text to compare.
 */
final class LookupOracle {
  private final Path script;

  LookupOracle(Path dir) throws IOException {
    script = dir.resolve("lookup_join.py");
    try (InputStream in = LookupOracle.class.getResourceAsStream("/oracles/lookup_join.py")) {
      Files.write(script, in.readAllBytes());
    }
  }

  /** {@code {"output": [...], "rejected": [...]}} as Python computes it. */
  String join(
      Path input,
      Path table,
      String format,
      String onInput,
      String onTable,
      List<String> add,
      String missing)
      throws Exception {
    String addJson =
        add.stream()
            .map(c -> "\"" + c + "\"")
            .collect(java.util.stream.Collectors.joining(",", "[", "]"));
    return run(
        "join", input.toString(), table.toString(), format, onInput, onTable, addJson, missing);
  }

  /** Our output and rejects as Python reads them, in the shape of {@link #join}. */
  String ours(Path output, Path rejects) throws Exception {
    String rejected = Files.exists(rejects) ? run("rejects", rejects.toString()) : "[]";
    return "{\"output\": " + run("read", output.toString()) + ", \"rejected\": " + rejected + "}";
  }

  private String run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3", script.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("python3 lookup oracle: %s", out).isZero();
    return out;
  }
}
