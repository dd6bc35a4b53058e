package dev.locality.it.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Command lines and environments for child JVMs of the project's runnable jars. */
final class Jvm {
  private Jvm() {}

  /**
   * {@code java <small-heap, quick-start flags> -jar <jar> <args>} with the test JVM's own java. C1
   * only and the serial collector: children start faster and leave the shared cores to the tests.
   */
  static List<String> command(Path jar, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(args);
    return command;
  }

  /**
   * Replaces every inherited {@code TEMPORAL_*} and {@code LOCALITY_*} variable of a child's
   * environment with {@code settings}, so the developer's own configuration never leaks in.
   */
  static void isolate(Map<String, String> env, Map<String, String> settings) {
    env.keySet().removeIf(key -> key.startsWith("TEMPORAL_") || key.startsWith("LOCALITY_"));
    env.putAll(settings);
  }
}
