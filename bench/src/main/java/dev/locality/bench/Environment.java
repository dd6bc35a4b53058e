package dev.locality.bench;

import static dev.locality.bench.Json.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The {@code environment} of the results: where and with what the benchmark ran. */
final class Environment {
  private Environment() {}

  /** Date, command, machine, JDKs, CEL runtime and commit of this run. */
  static ObjectNode describe(Options o) throws Exception {
    ObjectNode env = JSON.createObjectNode();
    env.put(
        "date",
        DateTimeFormatter.ISO_OFFSET_DATE_TIME
            .withZone(ZoneOffset.UTC)
            .format(Instant.now().truncatedTo(ChronoUnit.SECONDS)));
    env.put("command", o.command);
    env.put("nproc", sh("nproc").trim());
    env.put("freeG", sh("free -g"));
    String mem = sh("free -g | awk '/^Mem:/ {print $2}'").trim();
    env.put("memTotalGiB", mem);
    env.put("cpuModel", sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim());
    env.put("harnessJdk", System.getProperty("java.vm.name") + " " + Runtime.version());
    String workerVersion = sh("'" + o.workerJava() + "' -version 2>&1 | head -2 | tail -1").trim();
    env.put("workerJdk", workerVersion);
    String feature =
        sh("'"
                + o.workerJava()
                + "' -XshowSettings:properties -version 2>&1 | awk -F'= '"
                + " '/java.specification.version/ {print $2}'")
            .trim();
    int f = feature.isEmpty() ? 17 : (int) Double.parseDouble(feature);
    env.put("workerJdkFeature", f);
    env.put(
        "celRuntime",
        "common filter shapes compiled to Java, the rest on the planner runtime (JDK " + f + ")");
    env.put(
        "commit",
        sh("cd '"
                + o.root
                + "' && git rev-parse --short HEAD && (git status --porcelain | grep -q . && echo"
                + " '(with uncommitted changes)' || true)")
            .replace('\n', ' ')
            .trim());
    return env;
  }

  private static String sh(String command) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }
}
