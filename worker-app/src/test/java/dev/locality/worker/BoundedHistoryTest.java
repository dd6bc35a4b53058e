package dev.locality.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.api.spec.SpecDocument;
import dev.locality.api.spec.SpecParser;
import dev.locality.api.workflow.PipelineResult;
import dev.locality.api.workflow.PipelineWorkflow;
import dev.locality.api.workflow.StageRun;
import dev.locality.stage.StageRegistry;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history stays small whatever the data: a zip with 100,000 entries (made by Python's zipfile,
 * not our code) goes through download → decompress → transform-csv → upload on a real worker and
 * Temporal's test server; every stage handles 100,000 artifacts, and no event of the workflow's
 * history (so no payload in it) reaches 256 KB: the artifact lists travel as manifests in the
 * session directory.
 */
@Tag("large")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class BoundedHistoryTest {
  private static final int ENTRIES = 100_000;
  private static final int MAX_EVENT_BYTES = 256 * 1024;

  @TempDir Path tmp;

  @Test
  void aHundredThousandEntryZipCompletesWithEveryHistoryEventUnder256Kb() throws Exception {
    Path zip = tmp.resolve("many.zip");
    makeZip(zip);
    Path out = tmp.resolve("out");
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port)) {
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
      WorkflowClient client = WorkflowClient.newInstance(service);
      WorkerConfig settings =
          WorkerConfig.newBuilder().setWorkerId("w-many").setWorkRoot(tmp.resolve("work")).build();
      try (LocalityWorker worker = LocalityWorker.start(client, settings)) {
        String spec =
            """
            name: many-entries
            stages:
              - type: download
                url: %s
              - type: decompress
                timeouts: {startToClose: 10m}
              - type: transform-csv
                select: [id]
                timeouts: {startToClose: 10m}
              - type: upload
                to: %s/{file}
                timeouts: {startToClose: 10m}
            """
                .formatted(zip.toUri(), out.toUri().toString().replaceAll("/$", ""));
        var parsed =
            new SpecParser(StageRegistry.load(getClass().getClassLoader())).parse(spec, "test");
        PipelineWorkflow pipeline =
            client.newWorkflowStub(
                PipelineWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(settings.sharedQueue())
                    .setWorkflowId("many-entries")
                    .build());
        long started = System.nanoTime();
        PipelineResult result = pipeline.run(SpecDocument.of(parsed));
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

        assertThat(result.stages()).extracting(StageRun::state).containsOnly("COMPLETED");
        assertThat(result.stages().get(1).manifest().artifacts()).isEqualTo(ENTRIES);
        assertThat(result.stages().get(2).metrics().rowsOut()).isEqualTo(ENTRIES);
        assertThat(result.stages().get(3).manifest().outputUris()).isEqualTo(ENTRIES);
        assertThat(result.outputUris()).hasSizeLessThanOrEqualTo(100);
        try (Stream<Path> files = Files.list(out)) {
          assertThat(files.count()).isEqualTo(ENTRIES);
        }
        assertThat(Files.readString(out.resolve("part-99999.csv"))).isEqualTo("id\n99999\n");

        List<HistoryEvent> events = client.fetchHistory("many-entries").getEvents();
        HistoryEvent largest =
            events.stream().max(Comparator.comparingInt(HistoryEvent::getSerializedSize)).get();
        System.out.printf(
            "100,000-entry zip: %d s, %d history events, largest %d bytes (%s)%n",
            seconds, events.size(), largest.getSerializedSize(), largest.getEventType());
        assertThat(largest.getSerializedSize()).isLessThan(MAX_EVENT_BYTES);
      } finally {
        service.shutdownNow();
      }
    }
  }

  /** 100,000 one-row CSV entries, written by Python's zipfile (an independent zip writer). */
  private static void makeZip(Path zip) throws IOException, InterruptedException {
    String script =
        "import sys, zipfile\n"
            + "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
            + "    for i in range(int(sys.argv[2])):\n"
            + "        z.writestr('part-%05d.csv' % i, 'id,v\\n%d,x\\n' % i)\n";
    Process p =
        new ProcessBuilder("python3", "-c", script, zip.toString(), String.valueOf(ENTRIES))
            .inheritIO()
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }
}
