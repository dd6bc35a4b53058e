package dev.locality.bench;

import static dev.locality.bench.Json.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Worker processes ({@code -Xmx256m}, a GC log each, JFR with {@code --jfr}) on a task queue of
 * their own per section, and what they report when stopped: peak RSS and heap.
 */
final class Workers {
  static final String XMX = "256m";

  private final Options o;
  private final Path work;
  private final TemporalServer temporal;
  private final Children children;
  private int queueSeq;

  Workers(Options o, Path work, TemporalServer temporal, Children children) {
    this.o = o;
    this.work = work;
    this.temporal = temporal;
    this.children = children;
  }

  /** A task queue no earlier section used: {@code bench-SECTION-N}. */
  String queue(String section) {
    return "bench-" + section + "-" + (++queueSeq);
  }

  /** Starts a worker and waits until it has started polling. */
  Proc start(String id, String queue, int maxSessions, Map<String, String> settings, String tag)
      throws Exception {
    Path gcLog = work.resolve("gc-" + tag + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(o.workerJava());
    cmd.add("-Xmx" + XMX);
    cmd.add("-Xlog:gc:file=" + gcLog);
    if (o.jfr) cmd.add(Jfr.option(o.out, "worker-" + tag));
    cmd.addAll(
        List.of(
            "-jar",
            o.workerJar.toString(),
            "--worker-id",
            id,
            "--shared-queue",
            queue,
            "--work-root",
            work.resolve("work-" + tag).toString(),
            "--max-sessions",
            "" + maxSessions));
    settings.forEach((k, v) -> cmd.addAll(List.of("--setting", k + "=" + v)));
    Map<String, String> env = new HashMap<>();
    env.put("TEMPORAL_ADDRESS", temporal.address());
    env.put("AWS_ACCESS_KEY_ID", S3Proxy.KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3Proxy.SECRET);
    env.put("AWS_REGION", "us-east-1");
    Proc p = Proc.start("worker-" + tag, cmd, env, work);
    p.gcLog = gcLog;
    children.add(p);
    p.waitForOutput("started", Duration.ofSeconds(90));
    return p;
  }

  /** Stops a worker gracefully and reports its peak RSS and heap. */
  ObjectNode stop(Proc p) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    out.put("peakRssKb", p.peakRssKb());
    p.stop();
    children.remove(p);
    long[] heap = GcLog.peaks(p.gcLog);
    out.put("peakHeapUsedMb", heap[0]);
    out.put("maxHeapCommittedMb", heap[1]);
    out.put("gcCount", heap[2]);
    out.put("java", o.workerJava());
    out.put("xmx", XMX);
    return out;
  }
}
