package dev.locality.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Command-line options of the harness (bench/run.sh passes the jar paths; bench/README.md). */
final class Options {
  static final List<String> ALL_SECTIONS =
      List.of("limit", "duckdb", "pipeline", "kill", "noaffinity", "small", "cache");

  Path root = Path.of(".").toAbsolutePath().normalize();
  Path cliJar;
  Path workerJar;
  Path s3proxyJar;
  Path duckdbJar;
  Path out;
  Path dataDir = Path.of(System.getProperty("java.io.tmpdir"), "locality-bench-data");
  Path workDir;
  String javaHome;
  long size = 1L << 30;
  String sizeText = "1GB";
  long smallSize = 1L << 20;
  String smallSizeText = "1MB";
  int runs = 3;
  int smallCount = 200;
  int smallSequential = 20;
  int smallConcurrency = 8;
  int smallSessions = 4;

  /** Section 5: unmeasured pipelines at the load's concurrency before the measured phases. */
  int smallWarmUp = 0;

  boolean jfr;
  boolean keep;
  boolean warmUp = true;
  String command = "bench/run.sh";
  List<String> sections = ALL_SECTIONS;

  /** The java of workers and the limit: {@code --java-home}'s, or java on PATH. */
  String workerJava() {
    return javaHome == null ? "java" : Path.of(javaHome, "bin", "java").toString();
  }

  /** The options that take a value, each with what it sets. */
  private static final Map<String, BiConsumer<Options, String>> VALUED = new LinkedHashMap<>();

  static {
    VALUED.put("--root", (o, v) -> o.root = Path.of(v).toAbsolutePath());
    VALUED.put("--cli-jar", (o, v) -> o.cliJar = Path.of(v).toAbsolutePath());
    VALUED.put("--worker-jar", (o, v) -> o.workerJar = Path.of(v).toAbsolutePath());
    VALUED.put("--s3proxy-jar", (o, v) -> o.s3proxyJar = Path.of(v).toAbsolutePath());
    VALUED.put("--duckdb-jar", (o, v) -> o.duckdbJar = Path.of(v).toAbsolutePath());
    VALUED.put("--out", (o, v) -> o.out = Path.of(v).toAbsolutePath());
    VALUED.put("--data-dir", (o, v) -> o.dataDir = Path.of(v).toAbsolutePath());
    VALUED.put("--work-dir", (o, v) -> o.workDir = Path.of(v).toAbsolutePath());
    VALUED.put("--java-home", (o, v) -> o.javaHome = v);
    VALUED.put(
        "--size",
        (o, v) -> {
          o.size = parseSize(v);
          o.sizeText = v;
        });
    VALUED.put(
        "--small-size",
        (o, v) -> {
          o.smallSize = parseSize(v);
          o.smallSizeText = v;
        });
    VALUED.put("--runs", (o, v) -> o.runs = Integer.parseInt(v));
    VALUED.put("--small-count", (o, v) -> o.smallCount = Integer.parseInt(v));
    VALUED.put("--small-sequential", (o, v) -> o.smallSequential = Integer.parseInt(v));
    VALUED.put("--small-concurrency", (o, v) -> o.smallConcurrency = Integer.parseInt(v));
    VALUED.put("--small-sessions", (o, v) -> o.smallSessions = Integer.parseInt(v));
    VALUED.put("--small-warm-up", (o, v) -> o.smallWarmUp = Integer.parseInt(v));
    VALUED.put("--only", (o, v) -> o.sections = List.of(v.split(",")));
    VALUED.put("--command", (o, v) -> o.command = v);
  }

  static Options parse(String[] args) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--jfr" -> o.jfr = true;
        case "--keep" -> o.keep = true;
        case "--no-warm-up" -> o.warmUp = false;
        default -> {
          BiConsumer<Options, String> setter = VALUED.get(a);
          if (setter == null) throw new IllegalArgumentException("unknown option " + a);
          if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
          setter.accept(o, args[++i]);
        }
      }
    }
    if (o.cliJar == null || o.workerJar == null)
      throw new IllegalArgumentException("--cli-jar and --worker-jar are required");
    if (o.sections.contains("noaffinity") && o.s3proxyJar == null)
      throw new IllegalArgumentException("--s3proxy-jar is required for noaffinity");
    if (o.sections.contains("duckdb") && o.duckdbJar == null)
      throw new IllegalArgumentException("--duckdb-jar is required for duckdb");
    if (o.out == null) o.out = o.root.resolve("bench").resolve("results");
    if (o.workDir == null)
      o.workDir =
          Path.of(
              System.getProperty("java.io.tmpdir"),
              "locality-bench-" + ProcessHandle.current().pid());
    return o;
  }

  /** 1GB, 500MB, 50MiB, 1048576: powers of 1024, as the project writes sizes. */
  static long parseSize(String text) {
    Matcher m = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(i?b)?").matcher(text.trim());
    if (!m.matches()) throw new IllegalArgumentException("not a size: " + text);
    double n = Double.parseDouble(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    return (long) (n * (1L << shift));
  }
}
