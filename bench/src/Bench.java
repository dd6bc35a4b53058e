import dev.locality.stage.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecParser;
import dev.locality.stage.StageRegistry;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.PendingActivityState;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.PendingActivityInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Locality's benchmark (issue 8): measures, in one run, the streaming limit without Temporal, one
 * pipeline on one worker, the same pipeline with its worker killed mid-transform, the same stages
 * without worker affinity (every stage through an S3 API server), and many small pipelines; then
 * prints ratios and target verdicts and writes JSON and Markdown under {@code bench/results/}.
 *
 * <p>Started by {@code bench/run.sh}, which builds the jars and passes their paths; run it with the
 * CLI jar on the class path (Temporal client, Jackson, the api module): {@code java -cp CLI_JAR
 * bench/src/Bench.java --cli-jar ... --worker-jar ... [options]}. See {@code bench/README.md}.
 *
 * <p>Every Temporal server, worker, S3Proxy and limit process is a child process of this one,
 * started and stopped by it (workers with {@code -Xmx256m}); the HTTP origin runs in this JVM.
 * Times of pipelines come from the server's event history (workflow started → completed), so CLI
 * start-up is not counted; the limit's times are measured inside its process likewise.
 */
public final class Bench {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final List<String> STAGES = List.of("download", "decompress", "transform-csv", "upload");
  static final String CEL_FILTER = "status != \"cancelled\"";
  static final double MIB = 1024.0 * 1024.0;

  final Options o;
  final Path work;
  final ObjectNode results = JSON.createObjectNode();
  final List<Proc> running = new ArrayList<>();
  HttpServer origin;
  Proc server;
  int serverPort;
  WorkflowServiceStubs stubs;
  WorkflowClient client;
  Proc s3proxy;
  int s3Port;
  ObjectNode data;
  ObjectNode smallData;
  int queueSeq;

  Bench(Options o) throws IOException {
    this.o = o;
    this.work = Files.createDirectories(o.workDir);
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Bench bench = new Bench(o);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::cleanup, "bench-cleanup"));
    int rc = 0;
    try {
      bench.run();
    } catch (Exception e) {
      e.printStackTrace();
      rc = 1;
    }
    bench.cleanup();
    System.exit(rc);
  }

  // ---------------------------------------------------------------------------------------------
  // The run

  void run() throws Exception {
    long started = System.currentTimeMillis();
    results.set("environment", environment());
    data = prepareData(o.size, "bench");
    results.set("data", data);
    smallData = prepareData(o.smallSize, "small");
    results.set("smallData", smallData);
    startOrigin();
    startServer();
    ArrayNode runs = results.putArray("runs");
    for (int r = 1; r <= o.runs; r++) {
      log("=== run %d of %d ===", r, o.runs);
      ObjectNode run = runs.addObject();
      run.put("run", r);
      if (o.sections.contains("limit")) run.set("limit", limit(r));
      if (o.sections.contains("pipeline")) run.set("pipeline", pipeline(r));
      if (o.sections.contains("kill")) run.set("kill", kill(r, run));
      if (o.sections.contains("noaffinity")) run.set("noAffinity", noAffinity(r));
      writeResults(started); // partial results survive a later failure
    }
    if (o.sections.contains("small")) {
      results.set("small", small());
    }
    results.put("benchSeconds", (System.currentTimeMillis() - started) / 1000.0);
    results.set("summary", summarize());
    writeResults(started);
    System.out.println();
    System.out.println(markdown());
  }

  // ---------------------------------------------------------------------------------------------
  // (1) the limit

  ObjectNode limit(int r) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    Path dir = Files.createDirectories(work.resolve("limit-" + r));
    String url = originUrl(Path.of(data.get("file").asText()));
    log("(1) limit: one JVM, download -> gunzip -> Commons CSV -> file, one streaming pass");
    out.set("stream", limitPass("stream", url, dir.resolve("stream-out.csv"), "stream-" + r));
    Files.deleteIfExists(dir.resolve("stream-out.csv"));
    log("(1) zcat | wc -l");
    long t0 = System.nanoTime();
    Process zcat =
        new ProcessBuilder("bash", "-c", "zcat '" + data.get("file").asText() + "' | wc -l")
            .redirectErrorStream(true)
            .start();
    String lines = new String(zcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    zcat.waitFor();
    ObjectNode z = out.putObject("zcat");
    z.put("millis", (System.nanoTime() - t0) / 1_000_000);
    z.put("lines", Long.parseLong(lines));
    z.put("bytesOut", data.get("bytes").asLong());
    log("(1) raw steps: download, gunzip, transform, copy (each a file-to-file pass)");
    Path gz = dir.resolve("raw.csv.gz");
    Path csv = dir.resolve("raw.csv");
    Path transformed = dir.resolve("raw-out.csv");
    Path copied = dir.resolve("raw-copy.csv");
    out.set("download", limitPass("download", url, gz, "download-" + r));
    out.set("gunzip", limitPass("gunzip", gz.toString(), csv, "gunzip-" + r));
    Files.deleteIfExists(gz);
    out.set("transform", limitPass("transform", csv.toString(), transformed, "transform-" + r));
    Files.deleteIfExists(csv);
    out.set("copy", limitPass("copy", transformed.toString(), copied, "copy-" + r));
    deleteTree(dir);
    return out;
  }

  ObjectNode limitPass(String mode, String in, Path outFile, String tag) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(o.workerJava());
    cmd.add("-Xmx256m");
    if (o.jfr && (mode.equals("stream") || mode.equals("transform"))) {
      cmd.add(jfrOption("limit-" + tag));
    }
    cmd.addAll(
        List.of("-cp", o.cliJar.toString(), o.benchSrc.resolve("LimitPass.java").toString()));
    cmd.addAll(List.of(mode, in, outFile.toString()));
    if (o.warmUp) cmd.add(originUrl(Path.of(smallData.get("file").asText())));
    Proc p = Proc.start("limit-" + tag, cmd, Map.of(), work);
    int rc = p.process.waitFor();
    String stdout = Files.readString(p.stdout);
    if (rc != 0) throw new IllegalStateException("LimitPass " + mode + " failed: " + p.tail());
    ObjectNode node = (ObjectNode) JSON.readTree(lastJsonLine(stdout));
    long bytes = mode.equals("stream") ? data.get("bytes").asLong() : rateBytes(mode, node);
    log(
        "    %-9s %7.2f s  %8.1f MiB/s%s",
        mode,
        node.get("millis").asLong() / 1000.0,
        mibPerSec(bytes, node.get("millis").asLong()),
        node.has("peakRssKb")
            ? "  peak RSS " + node.get("peakRssKb").asLong() / 1024 + " MiB"
            : "");
    return node;
  }

  /**
   * The bytes a raw step's rate is quoted in: gunzip its output (CSV), the others their input
   * (stream: the caller uses the CSV size instead).
   */
  static long rateBytes(String mode, JsonNode node) {
    return switch (mode) {
      case "gunzip" -> node.get("bytesOut").asLong();
      default -> node.get("bytesIn").asLong();
    };
  }

  // ---------------------------------------------------------------------------------------------
  // (2) one pipeline, one worker

  ObjectNode pipeline(int r) throws Exception {
    log("(2) Locality: one pipeline on one worker (-Xmx256m)");
    String queue = queue("pipeline");
    Proc worker = startWorker("w1", queue, 1, Map.of(), "pipeline-" + r);
    Path outDir = Files.createDirectories(work.resolve("out-pipeline-" + r));
    Path spec = writeSpec("bench-pipeline", pipelineStages(originUrl(dataFile()), outDir), "10s");
    ObjectNode out = JSON.createObjectNode();
    out.set("warmUp", warmUp(queue, outDir));
    CliRun cli = cliRun(spec, "bench-pipeline-r" + r + "-" + System.currentTimeMillis(), queue);
    out.set("cli", cli.json);
    out.set("history", historySummary(cli.workflowId));
    out.set("worker", stopWorker(worker));
    logPipeline(out);
    deleteTree(outDir);
    return out;
  }

  /**
   * One small pipeline on a freshly started worker before the measured one, so that the measured
   * pipeline sees a running worker (as in production) rather than the JVM's first workflow task and
   * first class loading. Returns its wall time.
   */
  ObjectNode warmUp(String queue, Path outDir) throws Exception {
    return warmUp(queue, outDir, 1);
  }

  /**
   * {@code n} small pipelines started at the same moment (through the client, no CLI start-up in
   * between), so that with one session per worker each of n workers runs one.
   */
  ObjectNode warmUp(String queue, Path outDir, int n) throws Exception {
    if (!o.warmUp) return JSON.createObjectNode();
    Path specFile =
        writeSpec(
            "bench-warm-up",
            pipelineStages(originUrl(Path.of(smallData.get("file").asText())), outDir),
            "10s");
    PipelineSpec spec =
        new SpecParser(StageRegistry.load(Bench.class.getClassLoader())).parse(specFile);
    List<String> ids = new ArrayList<>();
    List<PipelineWorkflow> stubsToAwait = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "bench-warm-up-" + System.nanoTime();
      PipelineWorkflow wf =
          client.newWorkflowStub(
              PipelineWorkflow.class,
              WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(queue).build());
      WorkflowClient.start(wf::run, dev.locality.api.spec.SpecDocument.of(spec));
      ids.add(id);
      stubsToAwait.add(wf);
    }
    ObjectNode out = JSON.createObjectNode();
    ArrayNode walls = out.putArray("wallMillis");
    ArrayNode workersUsed = out.putArray("workers");
    for (PipelineWorkflow wf : stubsToAwait) {
      PipelineResult result = WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
      workersUsed.add(result.workerId());
    }
    for (String id : ids) walls.add(historySummary(id).get("wallMillis").asLong());
    return out;
  }

  void logPipeline(ObjectNode p) {
    JsonNode h = p.get("history");
    log(
        "    wall %.2f s, status %s",
        h.get("wallMillis").asLong() / 1000.0, p.get("cli").get("status").asText());
    for (JsonNode s : h.get("stages")) {
      log(
          "    %-14s exec %7.2f s  queue %4d ms  gap %4d ms",
          s.get("type").asText(),
          s.get("execMillis").asLong() / 1000.0,
          s.get("queueMillis").asLong(),
          s.get("gapMillis").asLong());
    }
    JsonNode w = p.get("worker");
    if (w != null) {
      log(
          "    worker peak RSS %d MiB, peak heap used %d MiB (max committed %d MiB)",
          w.get("peakRssKb").asLong() / 1024,
          w.path("peakHeapUsedMb").asLong(),
          w.path("maxHeapCommittedMb").asLong());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // (3) the same pipeline, its worker killed mid-transform

  ObjectNode kill(int r, ObjectNode run) throws Exception {
    log("(3) Locality: worker killed (SIGKILL) mid-transform, two workers");
    String queue = queue("kill");
    Map<String, Proc> workers = new LinkedHashMap<>();
    workers.put("w1", startWorker("w1", queue, 1, Map.of(), "kill-" + r + "-w1"));
    workers.put("w2", startWorker("w2", queue, 1, Map.of(), "kill-" + r + "-w2"));
    Path outDir = Files.createDirectories(work.resolve("out-kill-" + r));
    String heartbeat = "10s";
    Path spec = writeSpec("bench-kill", pipelineStages(originUrl(dataFile()), outDir), heartbeat);
    JsonNode warm = warmUp(queue, outDir, workers.size());
    log("    warm-up pipelines ran on %s", warm.path("workers"));
    long transformMillis = -1;
    JsonNode p = run.get("pipeline");
    if (p != null) {
      for (JsonNode s : p.get("history").get("stages")) {
        if (s.get("type").asText().equals("transform-csv"))
          transformMillis = s.get("execMillis").asLong();
      }
    }
    if (transformMillis < 0)
      transformMillis = (long) (data.get("bytes").asLong() / (30 * MIB) * 1000);
    long killAfter = Math.max(200, transformMillis / 2);
    String id = "bench-kill-r" + r + "-" + System.currentTimeMillis();
    CliRun cli = CliRun.start(this, spec, id, queue);
    // watch the workflow: once transform-csv has run killAfter ms, SIGKILL its worker
    long killAt = -1;
    String killed = null;
    long deadline = System.currentTimeMillis() + 30 * 60_000L;
    while (killAt < 0 && System.currentTimeMillis() < deadline && cli.process.isAlive()) {
      PendingActivityInfo transform = pendingTransform(id);
      if (transform != null && transform.hasLastStartedTime()) {
        long startedAt = millis(transform.getLastStartedTime());
        if (System.currentTimeMillis() - startedAt >= killAfter) {
          killed = workerOf(transform, workers);
          Proc victim = workers.get(killed);
          victim.kill();
          killAt = System.currentTimeMillis();
          log(
              "    killed %s (pid %d) %d ms into transform-csv",
              killed, victim.pid(), killAt - startedAt);
        }
      }
      Thread.sleep(50);
    }
    cli.await();
    ObjectNode out = JSON.createObjectNode();
    out.set("cli", cli.json);
    out.put("heartbeatTimeoutMillis", Durations.millis(heartbeat));
    out.put("killAfterTransformMillis", killAfter);
    out.put("killedWorker", killed);
    out.put("killAtMillis", killAt);
    ObjectNode history = historySummary(id);
    out.set("history", history);
    // parts of the extra time, from the sessions the pipeline reports
    JsonNode sessions = cli.json.get("sessions");
    long start = history.get("startedAtMillis").asLong();
    long end = history.get("closedAtMillis").asLong();
    if (sessions != null && sessions.size() >= 2 && killAt > 0) {
      JsonNode first = sessions.get(0);
      JsonNode second = sessions.get(sessions.size() - 1);
      long failedAt = first.get("closedAtMillis").asLong();
      long reopenedAt = second.get("openedAtMillis").asLong();
      ObjectNode parts = out.putObject("parts");
      parts.put("workBeforeKillMillis", killAt - start);
      parts.put("detectionMillis", failedAt - killAt);
      parts.put("failoverToNewSessionMillis", reopenedAt - failedAt);
      parts.put("rerunMillis", end - reopenedAt);
      parts.put("firstSessionFailure", first.path("failure").asText());
      parts.put("secondWorker", second.path("workerId").asText());
      log(
          "    wall %.2f s: work before kill %.2f s, detection %.2f s, failover %.2f s, re-run %.2f"
              + " s",
          (end - start) / 1000.0,
          (killAt - start) / 1000.0,
          (failedAt - killAt) / 1000.0,
          (reopenedAt - failedAt) / 1000.0,
          (end - reopenedAt) / 1000.0);
    } else {
      log("    no failover recorded (sessions: %s)", sessions);
    }
    ObjectNode survivors = out.putObject("workers");
    for (Map.Entry<String, Proc> w : workers.entrySet()) {
      if (!w.getKey().equals(killed)) survivors.set(w.getKey(), stopWorker(w.getValue()));
    }
    deleteTree(outDir);
    return out;
  }

  PendingActivityInfo pendingTransform(String workflowId) {
    try {
      var response =
          stubs
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                      .build());
      for (PendingActivityInfo a : response.getPendingActivitiesList()) {
        if (a.getActivityType().getName().equals("transform-csv")
            && a.getState() == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED) {
          return a;
        }
      }
    } catch (io.grpc.StatusRuntimeException e) {
      // not started yet
    }
    return null;
  }

  /** The worker that runs an activity: from the identity "pid@workerId". */
  static String workerOf(PendingActivityInfo activity, Map<String, Proc> workers) {
    String identity = activity.getLastWorkerIdentity();
    for (Map.Entry<String, Proc> w : workers.entrySet()) {
      if (identity.equals(w.getValue().pid() + "@" + w.getKey())
          || identity.endsWith("@" + w.getKey())) {
        return w.getKey();
      }
    }
    throw new IllegalStateException(
        "cannot tell which worker runs transform-csv: identity '" + identity + "'");
  }

  // ---------------------------------------------------------------------------------------------
  // (4) no affinity: every stage reads its input from and writes its output to S3

  ObjectNode noAffinity(int r) throws Exception {
    log(
        "(4) no affinity: one pipeline per stage, every hop through S3 (S3Proxy, filesystem"
            + " store)");
    startS3Proxy();
    String queue = queue("noaff");
    Map<String, String> s3Settings =
        Map.of(
            "s3Endpoint", "http://127.0.0.1:" + s3Port,
            "s3PathStyle", "true",
            "s3Region", "us-east-1");
    Proc worker = startWorker("w1", queue, 1, s3Settings, "noaff-" + r);
    Path outDir = Files.createDirectories(work.resolve("out-noaff-" + r));
    warmUp(queue, outDir);
    String prefix = "s3://bench/run" + r + "-" + System.currentTimeMillis();
    ObjectNode out = JSON.createObjectNode();
    ArrayNode hops = out.putArray("hops");
    String current = originUrl(dataFile());
    List<List<Map<String, Object>>> stages =
        List.of(
            List.of(),
            List.of(stage("decompress", "format", "gzip")),
            List.of(transformStage()),
            List.of());
    String[] names = {"noaff-download", "noaff-decompress", "noaff-transform", "noaff-upload"};
    long wall = 0;
    for (int i = 0; i < names.length; i++) {
      List<Map<String, Object>> specStages = new ArrayList<>();
      specStages.add(stage("download", "url", current));
      specStages.addAll(stages.get(i));
      String to =
          i == names.length - 1
              ? "file://" + outDir.toAbsolutePath() + "/{name}/{runId}/{file}"
              : prefix + "/hop" + (i + 1) + "/{file}";
      specStages.add(stage("upload", "to", to));
      Path spec = writeSpec(names[i], specStages, "10s");
      CliRun cli = cliRun(spec, names[i] + "-r" + r + "-" + System.currentTimeMillis(), queue);
      ObjectNode hop = hops.addObject();
      hop.put("name", names[i]);
      hop.set("cli", cli.json);
      ObjectNode history = historySummary(cli.workflowId);
      hop.set("history", history);
      wall += history.get("wallMillis").asLong();
      if (!"COMPLETED".equals(cli.json.path("status").asText())) {
        throw new IllegalStateException(names[i] + " did not complete: " + cli.json);
      }
      String next = null;
      for (JsonNode uri : cli.json.get("outputUris")) {
        if (!uri.asText().contains(".rejects.")) next = uri.asText();
      }
      log("    %-17s %7.2f s  -> %s", names[i], history.get("wallMillis").asLong() / 1000.0, next);
      current = next;
    }
    out.put("wallMillis", wall);
    out.set("worker", stopWorker(worker));
    deleteTree(outDir);
    deleteTree(work.resolve("s3"));
    Files.createDirectories(work.resolve("s3").resolve("bench"));
    return out;
  }

  void startS3Proxy() throws Exception {
    if (s3proxy != null) return;
    s3Port = freePort();
    Path base = Files.createDirectories(work.resolve("s3"));
    Files.createDirectories(base.resolve("bench"));
    Path props = work.resolve("s3proxy.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + s3Port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + S3_KEY,
            "s3proxy.credential=" + S3_SECRET,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + base.toAbsolutePath(),
            ""));
    List<String> cmd =
        List.of(
            "java", "-Xmx512m", "-jar", o.s3proxyJar.toString(), "--properties", props.toString());
    s3proxy = Proc.start("s3proxy", cmd, Map.of(), work);
    running.add(s3proxy);
    waitForPort(s3Port, Duration.ofSeconds(60), s3proxy);
    log("    S3Proxy on 127.0.0.1:%d (filesystem store %s)", s3Port, base);
  }

  static final String S3_KEY = "bench-access";
  static final String S3_SECRET = "bench-secret-key";

  // ---------------------------------------------------------------------------------------------
  // (5) many small pipelines

  ObjectNode small() throws Exception {
    log(
        "(5) small pipelines: %d x %s over 2 workers (%d sequential first, then concurrency %d)",
        o.smallCount, o.smallSizeText, o.smallSequential, o.smallConcurrency);
    String queue = queue("small");
    Proc w1 = startWorker("w1", queue, o.smallSessions, Map.of(), "small-w1");
    Proc w2 = startWorker("w2", queue, o.smallSessions, Map.of(), "small-w2");
    Path outDir = Files.createDirectories(work.resolve("out-small"));
    Path specFile =
        writeSpec(
            "bench-small",
            pipelineStages(originUrl(Path.of(smallData.get("file").asText())), outDir),
            "10s");
    PipelineSpec spec =
        new SpecParser(StageRegistry.load(Bench.class.getClassLoader())).parse(specFile);
    ObjectNode out = JSON.createObjectNode();
    out.put("workers", 2);
    out.put("sessionsPerWorker", o.smallSessions);
    out.set("warmUp", warmUp(queue, outDir, 2 * o.smallSessions));
    out.set("sequential", smallBatch(spec, queue, "seq", o.smallSequential, 1));
    out.set("concurrent", smallBatch(spec, queue, "load", o.smallCount, o.smallConcurrency));
    ObjectNode workers = out.putObject("workerProcesses");
    workers.set("w1", stopWorker(w1));
    workers.set("w2", stopWorker(w2));
    deleteTree(outDir);
    return out;
  }

  ObjectNode smallBatch(PipelineSpec spec, String queue, String tag, int count, int concurrency)
      throws Exception {
    if (count <= 0) return JSON.createObjectNode();
    AtomicInteger next = new AtomicInteger();
    ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    String base = "bench-small-" + tag + "-" + System.currentTimeMillis() + "-";
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long t0 = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      futures.add(
          pool.submit(
              () -> {
                for (int i; (i = next.getAndIncrement()) < count; ) {
                  String id = base + i;
                  PipelineWorkflow wf =
                      client.newWorkflowStub(
                          PipelineWorkflow.class,
                          WorkflowOptions.newBuilder()
                              .setWorkflowId(id)
                              .setTaskQueue(queue)
                              .build());
                  long s = System.nanoTime();
                  try {
                    WorkflowClient.start(wf::run, dev.locality.api.spec.SpecDocument.of(spec));
                    WorkflowStub.fromTyped(wf).getResult(PipelineResult.class);
                    latencies.add(new long[] {i, System.nanoTime() - s});
                    ids.add(id);
                  } catch (RuntimeException e) {
                    failures.add(id + ": " + e);
                  }
                }
                return null;
              }));
    }
    for (Future<?> f : futures) f.get();
    pool.shutdown();
    long elapsed = System.nanoTime() - t0;
    List<Double> lat = latencies.stream().map(l -> l[1] / 1e6).sorted().toList();
    ObjectNode out = JSON.createObjectNode();
    out.put("pipelines", count);
    out.put("concurrency", concurrency);
    out.put("completed", lat.size());
    out.put("failed", failures.size());
    if (!failures.isEmpty())
      out.set("failures", JSON.valueToTree(failures.stream().limit(5).toList()));
    out.put("elapsedMillis", elapsed / 1_000_000);
    out.put("pipelinesPerSecond", lat.size() / (elapsed / 1e9));
    out.put("latencyP50Millis", percentile(lat, 50));
    out.put("latencyP99Millis", percentile(lat, 99));
    out.put("latencyMaxMillis", lat.isEmpty() ? 0 : lat.get(lat.size() - 1));
    // orchestration overhead from the server's history of each pipeline
    List<Double> perStage = new ArrayList<>();
    List<Double> queueMs = new ArrayList<>();
    List<Double> gapMs = new ArrayList<>();
    List<Double> open = new ArrayList<>();
    List<Double> close = new ArrayList<>();
    List<Double> wall = new ArrayList<>();
    List<Double> exec = new ArrayList<>();
    List<Double> inclusive = new ArrayList<>();
    for (String id : ids) {
      ObjectNode h = historySummary(id);
      wall.add(h.get("wallMillis").asDouble());
      open.add(h.get("sessionOpenMillis").asDouble());
      close.add(h.get("closeMillis").asDouble());
      double execSum = 0;
      for (JsonNode s : h.get("stages")) {
        perStage.add(s.get("overheadMillis").asDouble());
        queueMs.add(s.get("queueMillis").asDouble());
        gapMs.add(s.get("gapMillis").asDouble());
        execSum += s.get("execMillis").asDouble();
      }
      exec.add(execSum);
      inclusive.add((h.get("wallMillis").asDouble() - execSum) / h.get("stages").size());
    }
    ObjectNode overhead = out.putObject("overhead");
    overhead.put("perStageMedianMillis", median(perStage));
    overhead.put("perStageP99Millis", percentile(sorted(perStage), 99));
    overhead.put("dispatchMedianMillis", median(queueMs));
    overhead.put("handoffMedianMillis", median(gapMs));
    overhead.put("sessionOpenMedianMillis", median(open));
    overhead.put("sessionCloseMedianMillis", median(close));
    overhead.put("workflowWallMedianMillis", median(wall));
    overhead.put("stageExecSumMedianMillis", median(exec));
    overhead.put("inclusivePerStageMedianMillis", median(inclusive));
    log(
        "    %s: %d/%d completed in %.1f s: %.2f pipelines/s, latency p50 %.0f ms p99 %.0f ms;"
            + " overhead per stage median %.1f ms (dispatch %.1f + hand-off %.1f), session open"
            + " %.0f ms, close %.0f ms",
        tag,
        lat.size(),
        count,
        elapsed / 1e9,
        out.get("pipelinesPerSecond").asDouble(),
        out.get("latencyP50Millis").asDouble(),
        out.get("latencyP99Millis").asDouble(),
        median(perStage),
        median(queueMs),
        median(gapMs),
        median(open),
        median(close));
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // history

  /**
   * Times of one pipeline from its event history. Per stage (the final session's run of it): {@code
   * queueMillis} scheduled → started (dispatch to the worker), {@code execMillis} started →
   * completed (the stage's own work), {@code gapMillis} from the previous step (session granted, or
   * the previous stage completed) to scheduled (the workflow task that schedules it), {@code
   * overheadMillis} = queue + gap. Pipeline: {@code sessionOpenMillis} started → session granted
   * (signal), {@code closeMillis} last stage completed → workflow closed.
   */
  ObjectNode historySummary(String workflowId) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    ObjectNode out = JSON.createObjectNode();
    long start = 0;
    long end = 0;
    long lastSignal = 0;
    long lastStep = 0;
    Map<Long, String> typeOf = new HashMap<>();
    Map<Long, Long> scheduledAt = new HashMap<>();
    Map<Long, Long> gapOf = new HashMap<>();
    Map<Long, Long> startedAt = new HashMap<>();
    Map<String, ObjectNode> stages = new LinkedHashMap<>();
    long firstSignal = 0;
    for (HistoryEvent e : events) {
      long t = millis(e.getEventTime());
      switch (e.getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> start = t;
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
            EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ->
            end = t;
        case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
          lastSignal = t;
          lastStep = t;
          if (firstSignal == 0) firstSignal = t;
        }
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
          typeOf.put(e.getEventId(), type);
          scheduledAt.put(e.getEventId(), t);
          if (STAGES.contains(type)) gapOf.put(e.getEventId(), t - lastStep);
        }
        case EVENT_TYPE_ACTIVITY_TASK_STARTED ->
            startedAt.put(e.getActivityTaskStartedEventAttributes().getScheduledEventId(), t);
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          long sid = e.getActivityTaskCompletedEventAttributes().getScheduledEventId();
          String type = typeOf.get(sid);
          if (type != null && STAGES.contains(type)) {
            lastStep = t;
            long s = startedAt.getOrDefault(sid, t);
            ObjectNode stage = JSON.createObjectNode();
            stage.put("type", type);
            stage.put("queueMillis", s - scheduledAt.get(sid));
            stage.put("execMillis", t - s);
            stage.put("gapMillis", gapOf.get(sid));
            stage.put("overheadMillis", s - scheduledAt.get(sid) + gapOf.get(sid));
            stage.put("completedAtMillis", t);
            stage.put("startedEventSeen", startedAt.containsKey(sid));
            stages.put(type, stage); // the final session's run wins
          }
        }
        default -> {}
      }
    }
    long lastCompleted =
        stages.values().stream()
            .mapToLong(s -> s.get("completedAtMillis").asLong())
            .max()
            .orElse(end);
    out.put("workflowId", workflowId);
    out.put("startedAtMillis", start);
    out.put("closedAtMillis", end);
    out.put("wallMillis", end - start);
    out.put("sessionOpenMillis", firstSignal == 0 ? -1 : firstSignal - start);
    out.put("closeMillis", end - lastCompleted);
    out.put("events", events.size());
    ArrayNode list = out.putArray("stages");
    for (String type : STAGES) if (stages.containsKey(type)) list.add(stages.get(type));
    return out;
  }

  static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  // ---------------------------------------------------------------------------------------------
  // specs

  List<Map<String, Object>> pipelineStages(String url, Path outDir) {
    return List.of(
        stage("download", "url", url),
        stage("decompress", "format", "gzip"),
        transformStage(),
        stage("upload", "to", "file://" + outDir.toAbsolutePath() + "/{name}/{runId}/{file}"));
  }

  static Map<String, Object> transformStage() {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "transform-csv");
    t.put(
        "select",
        List.of("id", "created_at", "customer_id", "amount", "currency", "status", "city", "note"));
    t.put("rename", Map.of("amount", "amount_usd"));
    t.put("filter", CEL_FILTER);
    return t;
  }

  static Map<String, Object> stage(String type, String key, Object value) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("type", type);
    s.put(key, value);
    return s;
  }

  Path writeSpec(String name, List<Map<String, Object>> stages, String heartbeat)
      throws IOException {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("name", name);
    spec.put("session", Map.of("heartbeatTimeout", heartbeat));
    spec.put("stages", stages);
    Path file = work.resolve("spec-" + name + ".json");
    JSON.writeValue(file.toFile(), spec);
    return file;
  }

  String queue(String section) {
    return "bench-" + section + "-" + (++queueSeq);
  }

  // ---------------------------------------------------------------------------------------------
  // processes: server, workers, CLI

  void startServer() throws Exception {
    serverPort = freePort();
    server =
        Proc.start(
            "server",
            List.of(
                "java", "-Xmx1g", "-jar", o.cliJar.toString(), "server", "--port", "" + serverPort),
            Map.of(),
            work);
    running.add(server);
    waitForPort(serverPort, Duration.ofSeconds(60), server);
    stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + serverPort).build());
    client =
        WorkflowClient.newInstance(
            stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    log("Temporal test server ('locality server') on 127.0.0.1:%d", serverPort);
  }

  Proc startWorker(
      String id, String queue, int maxSessions, Map<String, String> settings, String tag)
      throws Exception {
    Path gcLog = work.resolve("gc-" + tag + ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(o.workerJava());
    cmd.add("-Xmx256m");
    cmd.add("-Xlog:gc:file=" + gcLog);
    if (o.jfr) cmd.add(jfrOption("worker-" + tag));
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
    settings.forEach((k, v) -> cmd.addAll(List.of("--stage-setting", k + "=" + v)));
    Map<String, String> env = new HashMap<>();
    env.put("TEMPORAL_ADDRESS", "127.0.0.1:" + serverPort);
    env.put("AWS_ACCESS_KEY_ID", S3_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", S3_SECRET);
    env.put("AWS_REGION", "us-east-1");
    Proc p = Proc.start("worker-" + tag, cmd, env, work);
    p.gcLog = gcLog;
    running.add(p);
    p.waitForOutput("started", Duration.ofSeconds(90));
    return p;
  }

  /** Stops a worker gracefully and reports its peak RSS and heap. */
  ObjectNode stopWorker(Proc p) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    out.put("peakRssKb", p.peakRssKb());
    p.stop();
    running.remove(p);
    long[] heap = gcPeaks(p.gcLog);
    out.put("peakHeapUsedMb", heap[0]);
    out.put("maxHeapCommittedMb", heap[1]);
    out.put("gcCount", heap[2]);
    out.put("java", o.workerJava());
    out.put("xmx", "256m");
    return out;
  }

  /** Peak heap used before a GC, largest committed heap, GC count, from a {@code -Xlog:gc} file. */
  static long[] gcPeaks(Path gcLog) throws IOException {
    long used = 0;
    long committed = 0;
    long count = 0;
    if (gcLog == null || !Files.exists(gcLog)) return new long[] {-1, -1, 0};
    Pattern p = Pattern.compile("(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");
    for (String line : Files.readAllLines(gcLog)) {
      Matcher m = p.matcher(line);
      if (m.find()) {
        count++;
        used = Math.max(used, mb(m.group(1), m.group(2)));
        committed = Math.max(committed, mb(m.group(5), m.group(6)));
      }
    }
    return new long[] {used, committed, count};
  }

  static long mb(String n, String unit) {
    long v = Long.parseLong(n);
    return switch (unit) {
      case "K" -> v / 1024;
      case "G" -> v * 1024;
      default -> v;
    };
  }

  CliRun cliRun(Path spec, String id, String queue) throws Exception {
    CliRun run = CliRun.start(this, spec, id, queue);
    run.await();
    return run;
  }

  /** One {@code locality run SPEC --wait --json} process. */
  static final class CliRun {
    final Proc proc;
    final Process process;
    final String workflowId;
    ObjectNode json;

    CliRun(Proc proc, String workflowId) {
      this.proc = proc;
      this.process = proc.process;
      this.workflowId = workflowId;
    }

    static CliRun start(Bench b, Path spec, String id, String queue) throws IOException {
      List<String> cmd =
          List.of(
              "java",
              "-jar",
              b.o.cliJar.toString(),
              "run",
              spec.toString(),
              "--wait",
              "--json",
              "--id",
              id,
              "--queue",
              queue);
      return new CliRun(
          Proc.start(
              "cli-" + id, cmd, Map.of("TEMPORAL_ADDRESS", "127.0.0.1:" + b.serverPort), b.work),
          id);
    }

    void await() throws Exception {
      if (!process.waitFor(60, TimeUnit.MINUTES)) throw new IllegalStateException("CLI hangs");
      String out = Files.readString(proc.stdout);
      try {
        json = (ObjectNode) JSON.readTree(lastJsonLine(out));
      } catch (RuntimeException | IOException e) {
        throw new IllegalStateException("no JSON from 'locality run': " + proc.tail(), e);
      }
      json.put("cliExitCode", process.exitValue());
      json.put("cliWallMillis", proc.elapsedMillis());
      if (!"COMPLETED".equals(json.path("status").asText())) {
        log(
            "    pipeline %s ended %s: %s",
            workflowId, json.path("status").asText(), json.path("failure"));
      }
    }
  }

  /** A child process with its output in files. */
  static final class Proc {
    final String name;
    final Process process;
    final Path stdout;
    final Path stderr;
    final long startNanos = System.nanoTime();
    long endNanos;
    Path gcLog;

    Proc(String name, Process process, Path stdout, Path stderr) {
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
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
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

  String jfrOption(String tag) {
    try {
      Files.createDirectories(o.out.resolve("jfr"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "-XX:StartFlightRecording=settings=profile,filename="
        + o.out.resolve("jfr").resolve(tag + ".jfr").toAbsolutePath();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void waitForPort(int port, Duration timeout, Proc p) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException e) {
        if (!p.process.isAlive()) throw new IllegalStateException(p.name + " exited: " + p.tail());
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException(p.name + " does not listen on " + port + ": " + p.tail());
  }

  void cleanup() {
    for (Proc p : new ArrayList<>(running)) {
      try {
        p.stop();
      } catch (Exception e) {
        p.process.destroyForcibly();
      }
    }
    running.clear();
    if (stubs != null) {
      stubs.shutdownNow();
      stubs = null;
    }
    if (origin != null) {
      origin.stop(0);
      origin = null;
    }
    if (!o.keep) deleteTree(work);
  }

  // ---------------------------------------------------------------------------------------------
  // data and the HTTP origin

  Path dataFile() {
    return Path.of(data.get("file").asText());
  }

  ObjectNode prepareData(long size, String prefix) throws Exception {
    Path dir = Files.createDirectories(o.dataDir);
    Path file = dir.resolve(prefix + "-" + size + ".csv.gz");
    Path meta = dir.resolve(prefix + "-" + size + ".json");
    if (Files.exists(file) && Files.exists(meta)) {
      ObjectNode node = (ObjectNode) JSON.readTree(meta.toFile());
      if (node.get("gzBytes").asLong() == Files.size(file)) {
        log(
            "data: reusing %s (%d bytes CSV, %d rows)",
            file, node.get("bytes").asLong(), node.get("rows").asLong());
        return node;
      }
    }
    log("data: generating %s (%d bytes of CSV, gzipped)", file, size);
    List<String> cmd =
        List.of(
            "java",
            "-cp",
            o.cliJar.toString(),
            o.benchSrc.resolve("GenerateCsv.java").toString(),
            file.toString(),
            "" + size);
    Proc p = Proc.start("generate-" + prefix, cmd, Map.of(), work);
    if (p.process.waitFor() != 0) throw new IllegalStateException("generator failed: " + p.tail());
    ObjectNode node = (ObjectNode) JSON.readTree(lastJsonLine(Files.readString(p.stdout)));
    JSON.writeValue(meta.toFile(), node);
    log(
        "data: %d rows, %d bytes gzipped, generated in %.1f s",
        node.get("rows").asLong(),
        node.get("gzBytes").asLong(),
        node.get("millis").asLong() / 1000.0);
    return node;
  }

  /** A static file server for the data directory: GET and HEAD, Content-Length, ETag. */
  void startOrigin() throws IOException {
    origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    origin.createContext(
        "/",
        exchange -> {
          try (exchange) {
            serve(exchange);
          }
        });
    origin.setExecutor(Executors.newFixedThreadPool(8));
    origin.start();
    log("HTTP origin on http://127.0.0.1:%d/ serving %s", origin.getAddress().getPort(), o.dataDir);
  }

  void serve(HttpExchange exchange) throws IOException {
    String name = Path.of(exchange.getRequestURI().getPath()).getFileName().toString();
    Path file = o.dataDir.resolve(name);
    if (!Files.isRegularFile(file)) {
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    long size = Files.size(file);
    exchange.getResponseHeaders().set("Content-Type", "application/gzip");
    exchange
        .getResponseHeaders()
        .set("ETag", "\"" + size + "-" + Files.getLastModifiedTime(file).toMillis() + "\"");
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Length", "" + size);
      exchange.sendResponseHeaders(200, -1);
      return;
    }
    exchange.sendResponseHeaders(200, size);
    try (InputStream in = Files.newInputStream(file);
        OutputStream body = exchange.getResponseBody()) {
      in.transferTo(body);
    } catch (IOException e) {
      // client went away (a killed worker)
    }
  }

  String originUrl(Path file) {
    return "http://127.0.0.1:" + origin.getAddress().getPort() + "/" + file.getFileName();
  }

  // ---------------------------------------------------------------------------------------------
  // summary, ratios, targets, output

  /** Min and median of every headline number over the runs, the ratios and the target verdicts. */
  ObjectNode summarize() {
    ObjectNode s = JSON.createObjectNode();
    JsonNode runs = results.get("runs");
    long csvBytes = data.get("bytes").asLong();
    Map<String, List<Double>> m = new LinkedHashMap<>();
    for (JsonNode run : runs) {
      JsonNode l = run.get("limit");
      if (l != null) {
        add(m, "limit.stream.seconds", l.get("stream").get("millis").asDouble() / 1000);
        add(m, "limit.stream.mibps", mibPerSec(csvBytes, l.get("stream").get("millis").asLong()));
        add(m, "limit.zcat.mibps", mibPerSec(csvBytes, l.get("zcat").get("millis").asLong()));
        for (String step : List.of("download", "gunzip", "transform", "copy")) {
          JsonNode n = l.get(step);
          add(m, "limit." + step + ".seconds", n.get("millis").asDouble() / 1000);
          add(
              m,
              "limit." + step + ".mibps",
              mibPerSec(rateBytes(step, n), n.get("millis").asLong()));
        }
        if (l.get("stream").has("peakRssKb")) {
          add(m, "limit.stream.peakRssMib", l.get("stream").get("peakRssKb").asDouble() / 1024);
        }
      }
      JsonNode p = run.get("pipeline");
      if (p != null) {
        JsonNode h = p.get("history");
        add(m, "pipeline.seconds", h.get("wallMillis").asDouble() / 1000);
        add(m, "pipeline.mibps", mibPerSec(csvBytes, h.get("wallMillis").asLong()));
        add(m, "pipeline.cliSeconds", p.get("cli").get("cliWallMillis").asDouble() / 1000);
        double execSum = 0;
        for (JsonNode st : h.get("stages")) {
          String type = st.get("type").asText();
          long exec = st.get("execMillis").asLong();
          execSum += exec;
          add(m, "stage." + type + ".seconds", exec / 1000.0);
          add(m, "stage." + type + ".mibps", mibPerSec(stageBytes(type, p.get("cli")), exec));
          add(m, "stage." + type + ".overheadMillis", st.get("overheadMillis").asDouble());
        }
        add(m, "pipeline.overheadSeconds", (h.get("wallMillis").asDouble() - execSum) / 1000);
        add(m, "pipeline.workerPeakRssMib", p.get("worker").get("peakRssKb").asDouble() / 1024);
        add(m, "pipeline.workerPeakHeapMib", p.get("worker").get("peakHeapUsedMb").asDouble());
        if (l != null) {
          add(
              m,
              "ratio.pipelineOverLimit",
              h.get("wallMillis").asDouble() / l.get("stream").get("millis").asDouble());
          for (JsonNode st : h.get("stages")) {
            if (st.get("type").asText().equals("transform-csv")) {
              double stage = mibPerSec(csvBytes, st.get("execMillis").asLong());
              double raw = mibPerSec(csvBytes, l.get("transform").get("millis").asLong());
              add(m, "ratio.transformOverRaw", stage / raw);
            }
          }
        }
      }
      JsonNode k = run.get("kill");
      if (k != null && k.has("parts")) {
        JsonNode h = k.get("history");
        add(m, "kill.seconds", h.get("wallMillis").asDouble() / 1000);
        JsonNode parts = k.get("parts");
        add(m, "kill.workBeforeKillSeconds", parts.get("workBeforeKillMillis").asDouble() / 1000);
        add(m, "kill.detectionSeconds", parts.get("detectionMillis").asDouble() / 1000);
        add(m, "kill.failoverSeconds", parts.get("failoverToNewSessionMillis").asDouble() / 1000);
        add(m, "kill.rerunSeconds", parts.get("rerunMillis").asDouble() / 1000);
        if (p != null) {
          double extra =
              (h.get("wallMillis").asDouble() - p.get("history").get("wallMillis").asDouble())
                  / 1000;
          add(m, "kill.extraSeconds", extra);
          double budget =
              k.get("heartbeatTimeoutMillis").asDouble() / 1000
                  + parts.get("workBeforeKillMillis").asDouble() / 1000
                  + 5;
          add(m, "kill.budgetSeconds", budget);
          add(m, "kill.extraMinusBudgetSeconds", extra - budget);
        }
      }
      JsonNode n = run.get("noAffinity");
      if (n != null) {
        add(m, "noaff.seconds", n.get("wallMillis").asDouble() / 1000);
        for (JsonNode hop : n.get("hops")) {
          add(
              m,
              "noaff." + hop.get("name").asText() + ".seconds",
              hop.get("history").get("wallMillis").asDouble() / 1000);
        }
        if (p != null)
          add(
              m,
              "ratio.noAffinityOverPipeline",
              n.get("wallMillis").asDouble() / p.get("history").get("wallMillis").asDouble());
      }
    }
    ObjectNode stats = s.putObject("stats");
    m.forEach(
        (key, values) -> {
          ObjectNode v = stats.putObject(key);
          v.put("min", Collections.min(values));
          v.put("median", median(values));
          v.put("max", Collections.max(values));
          v.put("n", values.size());
        });
    ObjectNode targets = s.putObject("targets");
    target(
        targets,
        stats,
        "pipelineWithin1.5xLimit",
        "ratio.pipelineOverLimit",
        v -> v <= 1.5,
        "(2)/(1) <= 1.5");
    target(
        targets,
        stats,
        "transformAtLeast90PercentOfRaw",
        "ratio.transformOverRaw",
        v -> v >= 0.9,
        "transform-csv >= 90% of raw Commons CSV rate");
    target(
        targets,
        stats,
        "workerHeapUnder256m",
        "pipeline.workerPeakHeapMib",
        v -> v < 256,
        "worker heap < 256 MiB (-Xmx256m)");
    target(
        targets,
        stats,
        "killExtraWithinBudget",
        "kill.extraMinusBudgetSeconds",
        v -> v <= 0,
        "(3)-(2) <= heartbeatTimeout + work before kill + 5 s");
    JsonNode small = results.get("small");
    if (small != null && small.has("sequential") && small.get("sequential").has("overhead")) {
      double v = small.get("sequential").get("overhead").get("perStageMedianMillis").asDouble();
      ObjectNode t = targets.putObject("overheadPerStageUnder50ms");
      t.put(
          "what", "per-stage orchestration overhead <= 50 ms median (sequential small pipelines)");
      t.put("value", v);
      t.put("met", v <= 50);
    }
    return s;
  }

  /** The bytes a stage's rate is quoted in (uncompressed CSV for decompress and transform). */
  static long stageBytes(String type, JsonNode cli) {
    for (JsonNode st : cli.get("stages")) {
      if (!st.get("type").asText().equals(type)) continue;
      JsonNode metrics = st.get("metrics");
      return switch (type) {
        case "decompress" -> metrics.get("bytesOut").asLong();
        case "download" -> metrics.get("bytesOut").asLong();
        default -> metrics.get("bytesIn").asLong();
      };
    }
    return 0;
  }

  interface Check {
    boolean ok(double value);
  }

  static void target(
      ObjectNode targets, ObjectNode stats, String name, String stat, Check check, String what) {
    if (!stats.has(stat)) return;
    double median = stats.get(stat).get("median").asDouble();
    ObjectNode t = targets.putObject(name);
    t.put("what", what);
    t.put("value", median);
    t.put("met", check.ok(median));
  }

  static void add(Map<String, List<Double>> m, String key, double v) {
    m.computeIfAbsent(key, k -> new ArrayList<>()).add(v);
  }

  void writeResults(long started) throws IOException {
    Files.createDirectories(o.out);
    String stamp =
        DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC)
            .format(Instant.ofEpochMilli(started));
    Path json = o.out.resolve("bench-" + stamp + ".json");
    JSON.writeValue(json.toFile(), results);
    Files.copy(
        json, o.out.resolve("latest.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    if (results.has("summary")) {
      Path md = o.out.resolve("bench-" + stamp + ".md");
      Files.writeString(md, markdown());
      Files.copy(md, o.out.resolve("latest.md"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      log("results: %s and %s", json, md);
    }
  }

  String markdown() {
    JsonNode env = results.get("environment");
    JsonNode stats = results.get("summary").get("stats");
    long csvBytes = data.get("bytes").asLong();
    StringBuilder md = new StringBuilder();
    md.append("## Locality benchmark, ").append(env.get("date").asText()).append("\n\n");
    md.append("- command: `").append(env.get("command").asText()).append("`\n");
    md.append("- machine: ")
        .append(env.get("nproc").asText())
        .append(" CPUs (`nproc`), ")
        .append(env.get("memTotalGiB").asText())
        .append(" GiB RAM (`free -g` total), ")
        .append(env.get("cpuModel").asText())
        .append("\n");
    md.append("- JDK: workers and limit ")
        .append(env.get("workerJdk").asText())
        .append("; server, CLI and harness ")
        .append(env.get("harnessJdk").asText())
        .append("\n");
    md.append("- CEL runtime in transform-csv: ")
        .append(env.get("celRuntime").asText())
        .append("\n");
    md.append("- data: ")
        .append(
            String.format(
                Locale.ROOT,
                "%.1f MiB CSV (%,d rows, 10 columns), %.1f MiB gzipped",
                csvBytes / MIB,
                data.get("rows").asLong(),
                data.get("gzBytes").asLong() / MIB))
        .append("\n");
    md.append("- transform: select 8 of 10 columns, rename 1, filter `")
        .append(CEL_FILTER)
        .append("` (drops ~10%); the limit does the same in plain Java\n");
    if (o.warmUp) {
      md.append("- warm-up: every worker runs one ")
          .append(o.smallSizeText)
          .append(" pipeline, and the limit JVM runs its pass once over the ")
          .append(o.smallSizeText)
          .append(" file, before the measured pass (long-running workers are warm)\n");
    }
    md.append(
        "- pipeline times are the server's (workflow started → closed); stage times are"
            + " activity started → completed; worker processes run with -Xmx256m"
            + (o.jfr ? "; JFR recording on (workers and limit)" : "")
            + "\n");
    md.append("- runs: ")
        .append(results.get("runs").size())
        .append(" (min / median shown); commit ")
        .append(env.get("commit").asText())
        .append("\n\n");
    md.append("| measure | min | median |\n|---|---:|---:|\n");
    row(md, stats, "(1) limit: one streaming pass, wall s", "limit.stream.seconds", "%.2f");
    row(md, stats, "(1) limit: MiB/s of CSV", "limit.stream.mibps", "%.1f");
    row(md, stats, "(1) `zcat \\| wc -l`: MiB/s of CSV", "limit.zcat.mibps", "%.1f");
    row(md, stats, "(1) raw download (http → file) MiB/s of gz", "limit.download.mibps", "%.1f");
    row(md, stats, "(1) raw gunzip (file → file) MiB/s of CSV", "limit.gunzip.mibps", "%.1f");
    row(
        md,
        stats,
        "(1) raw Commons CSV transform (file → file) MiB/s",
        "limit.transform.mibps",
        "%.1f");
    row(md, stats, "(1) raw copy + fsync MiB/s", "limit.copy.mibps", "%.1f");
    row(md, stats, "(2) Locality, 1 pipeline, 1 worker: wall s", "pipeline.seconds", "%.2f");
    row(md, stats, "(2) MiB/s of CSV", "pipeline.mibps", "%.1f");
    for (String type : STAGES) {
      row(md, stats, "(2) stage " + type + ": s", "stage." + type + ".seconds", "%.2f");
      row(md, stats, "(2) stage " + type + ": MiB/s", "stage." + type + ".mibps", "%.1f");
    }
    row(
        md,
        stats,
        "(2) wall − Σ stage work (orchestration), s",
        "pipeline.overheadSeconds",
        "%.2f");
    row(md, stats, "(2) worker peak RSS MiB (-Xmx256m)", "pipeline.workerPeakRssMib", "%.0f");
    row(md, stats, "(2) worker peak heap used MiB", "pipeline.workerPeakHeapMib", "%.0f");
    row(md, stats, "(3) worker killed mid-transform: wall s", "kill.seconds", "%.2f");
    row(md, stats, "(3) work done before the kill, s", "kill.workBeforeKillSeconds", "%.2f");
    row(md, stats, "(3) detection (kill → session failed), s", "kill.detectionSeconds", "%.2f");
    row(md, stats, "(3) failover (failed → new session), s", "kill.failoverSeconds", "%.2f");
    row(md, stats, "(3) re-run on the other worker, s", "kill.rerunSeconds", "%.2f");
    row(md, stats, "(4) no affinity, 4 chained pipelines via S3: wall s", "noaff.seconds", "%.2f");
    for (String hop :
        List.of("noaff-download", "noaff-decompress", "noaff-transform", "noaff-upload")) {
      row(md, stats, "(4) " + hop + ", s", "noaff." + hop + ".seconds", "%.2f");
    }
    JsonNode small = results.get("small");
    if (small != null) {
      for (String phase : List.of("sequential", "concurrent")) {
        JsonNode b = small.get(phase);
        if (b == null || !b.has("pipelines")) continue;
        String label =
            "(5) "
                + b.get("pipelines").asInt()
                + " × "
                + o.smallSizeText
                + " pipelines, concurrency "
                + b.get("concurrency").asInt();
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: pipelines/s | %.2f | |\n",
                label,
                b.get("pipelinesPerSecond").asDouble()));
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: latency p50 / p99 ms | %.0f | %.0f (p99) |\n",
                label,
                b.get("latencyP50Millis").asDouble(),
                b.get("latencyP99Millis").asDouble()));
        JsonNode ov = b.get("overhead");
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: orchestration overhead per stage, median / p99 ms | %.1f | %.1f (p99) |\n",
                label,
                ov.get("perStageMedianMillis").asDouble(),
                ov.get("perStageP99Millis").asDouble()));
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: … of which dispatch / hand-off, median ms | %.1f | %.1f |\n",
                label,
                ov.get("dispatchMedianMillis").asDouble(),
                ov.get("handoffMedianMillis").asDouble()));
        md.append(
            String.format(
                Locale.ROOT,
                "| %s: session open / close, median ms | %.0f | %.0f |\n",
                label,
                ov.get("sessionOpenMedianMillis").asDouble(),
                ov.get("sessionCloseMedianMillis").asDouble()));
      }
    }
    md.append("\n**Ratios** (medians):\n\n| ratio | value |\n|---|---:|\n");
    ratio(md, stats, "(2) / (1)", "ratio.pipelineOverLimit", "%.2f");
    ratio(md, stats, "(4) / (2)", "ratio.noAffinityOverPipeline", "%.2f");
    ratio(md, stats, "(3) − (2), s", "kill.extraSeconds", "%.2f");
    ratio(
        md,
        stats,
        "(3) − (2) budget: heartbeatTimeout + work before kill + 5 s",
        "kill.budgetSeconds",
        "%.2f");
    ratio(md, stats, "transform-csv / raw Commons CSV transform", "ratio.transformOverRaw", "%.2f");
    if (stats.has("limit.stream.mibps")) {
      double limit = stats.get("limit.stream.mibps").get("median").asDouble();
      for (String type : STAGES) {
        if (stats.has("stage." + type + ".seconds")) {
          double csvRate =
              csvBytes / MIB / stats.get("stage." + type + ".seconds").get("median").asDouble();
          md.append(
              String.format(
                  Locale.ROOT,
                  "| stage %s: CSV MiB per second of stage time (%.1f) / (1) MiB/s (%.1f) | %.2f"
                      + " |\n",
                  type,
                  csvRate,
                  limit,
                  csvRate / limit));
        }
      }
    }
    String[][] raw = {
      {"download", "download"},
      {"decompress", "gunzip"},
      {"transform-csv", "transform"},
      {"upload", "copy"}
    };
    for (String[] pair : raw) {
      if (stats.has("stage." + pair[0] + ".mibps") && stats.has("limit." + pair[1] + ".mibps")) {
        double stage = stats.get("stage." + pair[0] + ".mibps").get("median").asDouble();
        double base = stats.get("limit." + pair[1] + ".mibps").get("median").asDouble();
        md.append(
            String.format(
                Locale.ROOT,
                "| stage %s MiB/s (%.1f) / raw %s MiB/s (%.1f) | %.2f |\n",
                pair[0],
                stage,
                pair[1],
                base,
                stage / base));
      }
    }
    md.append("\n**Targets**:\n\n| target | measured | met |\n|---|---:|:---:|\n");
    results
        .get("summary")
        .get("targets")
        .forEach(
            t ->
                md.append(
                    String.format(
                        Locale.ROOT,
                        "| %s | %.2f | %s |\n",
                        t.get("what").asText(),
                        t.get("value").asDouble(),
                        t.get("met").asBoolean() ? "yes" : "**no**")));
    return md.toString();
  }

  static void row(StringBuilder md, JsonNode stats, String label, String key, String fmt) {
    JsonNode v = stats.get(key);
    if (v == null) return;
    md.append("| ")
        .append(label)
        .append(" | ")
        .append(String.format(Locale.ROOT, fmt, v.get("min").asDouble()))
        .append(" | ")
        .append(String.format(Locale.ROOT, fmt, v.get("median").asDouble()))
        .append(" |\n");
  }

  static void ratio(StringBuilder md, JsonNode stats, String label, String key, String fmt) {
    JsonNode v = stats.get(key);
    if (v == null) return;
    md.append("| ")
        .append(label)
        .append(" | ")
        .append(String.format(Locale.ROOT, fmt, v.get("median").asDouble()))
        .append(" |\n");
  }

  ObjectNode environment() throws Exception {
    ObjectNode env = JSON.createObjectNode();
    env.put(
        "date",
        DateTimeFormatter.ISO_OFFSET_DATE_TIME
            .withZone(ZoneOffset.UTC)
            .format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
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
        f >= 21 ? "planner runtime (JDK " + f + ")" : "standard runtime (JDK " + f + ")");
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

  static String sh(String command) throws Exception {
    Process p = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // small helpers

  static String lastJsonLine(String text) {
    String last = null;
    for (String line : text.split("\n")) if (line.trim().startsWith("{")) last = line.trim();
    if (last == null) throw new IllegalStateException("no JSON line in output:\n" + text);
    return last;
  }

  static double mibPerSec(long bytes, long millis) {
    return millis <= 0 ? 0 : bytes / MIB / (millis / 1000.0);
  }

  static List<Double> sorted(List<Double> values) {
    List<Double> s = new ArrayList<>(values);
    Collections.sort(s);
    return s;
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) return 0;
    List<Double> s = sorted(values);
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) return 0;
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  static void log(String format, Object... args) {
    String time =
        DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC).format(Instant.now());
    System.err.println(time + " " + String.format(Locale.ROOT, format, args));
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  // best effort
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // best effort
    }
  }

  /** Spec durations like 10s, 500ms, 5m. */
  static final class Durations {
    static long millis(String text) {
      Matcher m = Pattern.compile("(\\d+)(ms|s|m)").matcher(text);
      if (!m.matches()) throw new IllegalArgumentException(text);
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> n;
        case "s" -> n * 1000;
        default -> n * 60_000;
      };
    }
  }

  /** Command-line options (bench/run.sh passes the jar paths). */
  static final class Options {
    Path root = Path.of(".").toAbsolutePath().normalize();
    Path cliJar;
    Path workerJar;
    Path s3proxyJar;
    Path benchSrc;
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
    boolean jfr;
    boolean keep;
    boolean warmUp = true;
    String command = "bench/run.sh";
    List<String> sections = List.of("limit", "pipeline", "kill", "noaffinity", "small");

    String workerJava() {
      return javaHome == null ? "java" : Path.of(javaHome, "bin", "java").toString();
    }

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        String v = i + 1 < args.length ? args[i + 1] : null;
        switch (a) {
          case "--root" -> {
            o.root = Path.of(v).toAbsolutePath();
            i++;
          }
          case "--cli-jar" -> {
            o.cliJar = Path.of(v).toAbsolutePath();
            i++;
          }
          case "--worker-jar" -> {
            o.workerJar = Path.of(v).toAbsolutePath();
            i++;
          }
          case "--s3proxy-jar" -> {
            o.s3proxyJar = Path.of(v).toAbsolutePath();
            i++;
          }
          case "--out" -> {
            o.out = Path.of(v).toAbsolutePath();
            i++;
          }
          case "--data-dir" -> {
            o.dataDir = Path.of(v).toAbsolutePath();
            i++;
          }
          case "--work-dir" -> {
            o.workDir = Path.of(v).toAbsolutePath();
            i++;
          }
          case "--java-home" -> {
            o.javaHome = v;
            i++;
          }
          case "--size" -> {
            o.size = parseSize(v);
            o.sizeText = v;
            i++;
          }
          case "--small-size" -> {
            o.smallSize = parseSize(v);
            o.smallSizeText = v;
            i++;
          }
          case "--runs" -> {
            o.runs = Integer.parseInt(v);
            i++;
          }
          case "--small-count" -> {
            o.smallCount = Integer.parseInt(v);
            i++;
          }
          case "--small-sequential" -> {
            o.smallSequential = Integer.parseInt(v);
            i++;
          }
          case "--small-concurrency" -> {
            o.smallConcurrency = Integer.parseInt(v);
            i++;
          }
          case "--small-sessions" -> {
            o.smallSessions = Integer.parseInt(v);
            i++;
          }
          case "--only" -> {
            o.sections = List.of(v.split(","));
            i++;
          }
          case "--command" -> {
            o.command = v;
            i++;
          }
          case "--jfr" -> o.jfr = true;
          case "--keep" -> o.keep = true;
          case "--no-warm-up" -> o.warmUp = false;
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      if (o.cliJar == null || o.workerJar == null)
        throw new IllegalArgumentException("--cli-jar and --worker-jar are required");
      if (o.sections.contains("noaffinity") && o.s3proxyJar == null)
        throw new IllegalArgumentException("--s3proxy-jar is required for noaffinity");
      if (o.benchSrc == null) o.benchSrc = o.root.resolve("bench").resolve("src");
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
}
