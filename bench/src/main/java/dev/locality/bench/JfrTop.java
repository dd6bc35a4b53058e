package dev.locality.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU time of a JFR recording goes: counts {@code jdk.ExecutionSample} events by thread,
 * by top frame (self time) and by every method on the stack (total time), and prints the largest
 * shares. Use it on the recordings {@code bench/run.sh --jfr} writes to {@code bench/results/jfr/}.
 *
 * <p>Usage: {@code java -cp BENCH_JAR dev.locality.bench.JfrTop RECORDING.jfr [THREAD_SUBSTRING]
 * [TOP_N]}
 */
public final class JfrTop {
  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: JfrTop RECORDING.jfr [THREAD_SUBSTRING] [TOP_N]");
      System.exit(2);
    }
    String threadFilter = args.length > 1 ? args[1] : "";
    int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> total = new HashMap<>();
    int samples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
      String thread =
          e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
      if (thread == null) thread = "?";
      threads.merge(thread, 1, Integer::sum);
      if (!thread.contains(threadFilter)) continue;
      RecordedStackTrace stack = e.getStackTrace();
      if (stack == null || stack.getFrames().isEmpty()) continue;
      samples++;
      List<RecordedFrame> frames = stack.getFrames();
      self.merge(name(frames.get(0)), 1, Integer::sum);
      java.util.Set<String> seen = new java.util.HashSet<>();
      for (RecordedFrame f : frames) {
        String n = name(f);
        if (seen.add(n)) total.merge(n, 1, Integer::sum);
      }
    }
    System.out.println(
        "samples: "
            + samples
            + (threadFilter.isEmpty() ? "" : " (threads containing '" + threadFilter + "')"));
    print("threads (all samples)", threads, threads.values().stream().mapToInt(i -> i).sum(), 10);
    print("self (top frame)", self, samples, top);
    print("total (on stack)", total, samples, top);
  }

  static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }

  static void print(String title, Map<String, Integer> counts, int of, int top) {
    System.out.println("\n" + title + ":");
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            en ->
                System.out.printf(
                    Locale.ROOT,
                    "  %5.1f%%  %6d  %s%n",
                    100.0 * en.getValue() / Math.max(1, of),
                    en.getValue(),
                    en.getKey()));
  }
}
