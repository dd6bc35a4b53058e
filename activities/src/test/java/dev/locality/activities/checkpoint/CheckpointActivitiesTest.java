package dev.locality.activities.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.activities.stages.s3.S3TestServer;
import dev.locality.api.checkpoint.CheckpointActivities;
import dev.locality.api.checkpoint.CheckpointLayout;
import dev.locality.api.checkpoint.CheckpointRestore;
import dev.locality.api.checkpoint.CheckpointSave;
import dev.locality.api.checkpoint.CheckpointSaved;
import dev.locality.api.workflow.Failures;
import dev.locality.stage.Artifact;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.runtime.WorkerSettingValues;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint activities without Temporal: save from one worker's session, restore into
 * another's, against a directory store and an S3 API server (S3Proxy). Corrupt, partial and missing
 * checkpoints are refused as unusable and leave nothing behind; a fenced session never publishes a
 * manifest.
 */
class CheckpointActivitiesTest {
  private static final PipelineInfo PIPELINE = new PipelineInfo("daily", "wf-1", "run-1");
  private static S3TestServer s3;
  private static int buckets;

  @TempDir Path tmp;
  private final SessionRegistry workerA = new SessionRegistry();
  private final SessionRegistry workerB = new SessionRegistry();
  private final AtomicInteger beats = new AtomicInteger();
  private Path dirA;
  private Path dirB;
  private CheckpointStores stores;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3TestServer.start();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  @BeforeEach
  void sessions() throws IOException {
    dirA = Files.createDirectories(tmp.resolve("a/s-1"));
    dirB = Files.createDirectories(tmp.resolve("b/s-2"));
    workerA.register(new OpenSession("s-1", "wf-1", dirA, Instant.now()));
    workerB.register(new OpenSession("s-2", "wf-1", dirB, Instant.now()));
    stores = new CheckpointStores(WorkerSettingValues.unchecked(s3.workerSettings()));
  }

  private CheckpointActivitiesImpl on(SessionRegistry worker) {
    return new CheckpointActivitiesImpl("w", worker, stores, details -> beats.incrementAndGet());
  }

  private String s3Store() {
    String bucket = "ck-" + (++buckets);
    s3.createBucket(bucket);
    return "s3://" + bucket + "/checkpoints/";
  }

  private String fileStore() {
    return tmp.toUri().toString() + "store/";
  }

  /** Two outputs of stage 0 in session s-1: one of 3 MiB + 1 byte, one empty. */
  private List<Artifact> outputs() throws IOException {
    Path stageDir = Files.createDirectories(dirA.resolve("0-download/attempt-1"));
    byte[] data = new byte[3 * (1 << 20) + 1];
    new Random(7).nextBytes(data);
    Files.write(stageDir.resolve("big.bin"), data);
    Files.write(stageDir.resolve("empty.csv"), new byte[0]);
    return List.of(
        Artifact.describe(dirA, stageDir.resolve("big.bin"), -1),
        Artifact.describe(dirA, stageDir.resolve("empty.csv"), 0));
  }

  private CheckpointSave save(String store, List<Artifact> outputs) {
    return new CheckpointSave(PIPELINE, "s-1", 0, "download", store, outputs, null);
  }

  @Test
  void aCheckpointSavedOnOneWorkerRestoresByteIdenticalOnAnother() throws Exception {
    for (String store : List.of(fileStore(), s3Store())) {
      List<Artifact> outputs = outputs();
      CheckpointSaved saved = on(workerA).save(save(store, outputs));
      assertThat(saved.files()).isEqualTo(2);
      assertThat(saved.bytes()).isEqualTo(3 * (1 << 20) + 1);
      assertThat(saved.key()).isEqualTo("wf-1/run-1/0-download/s-1/");
      assertThat(saved.runPrefix()).isEqualTo(CheckpointLayout.runPrefix(PIPELINE));

      long restored = on(workerB).restore(new CheckpointRestore("s-2", saved, outputs, null));

      assertThat(restored).isEqualTo(saved.bytes());
      for (Artifact a : outputs) {
        assertThat(dirB.resolve(a.path())).hasSameBinaryContentAs(dirA.resolve(a.path()));
      }
      assertThat(beats.get()).isPositive();
      deleteTree(dirB.resolve("0-download"));
    }
  }

  @Test
  void aCorruptByteMakesTheCheckpointUnusableAndLeavesNothing() throws Exception {
    String store = fileStore();
    List<Artifact> outputs = outputs();
    CheckpointSaved saved = on(workerA).save(save(store, outputs));
    Path object =
        Path.of(java.net.URI.create(store))
            .resolve(saved.key() + "files/0-download/attempt-1/big.bin");
    try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
      f.seek(1 << 20);
      int b = f.read();
      f.seek(1 << 20);
      f.write(b ^ 0x01);
    }

    assertThatThrownBy(
            () -> on(workerB).restore(new CheckpointRestore("s-2", saved, outputs, null)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> {
              assertThat(e.getType()).isEqualTo(CheckpointActivities.UNUSABLE);
              assertThat(e.isNonRetryable()).isTrue();
            })
        .hasMessageContaining("big.bin")
        .hasMessageContaining("SHA-256");
    assertThat(regularFilesIn(dirB)).isEmpty();
  }

  @Test
  void aCheckpointWithoutItsManifestIsUnusable() throws Exception {
    String store = s3Store();
    List<Artifact> outputs = outputs();
    CheckpointSaved saved = on(workerA).save(save(store, outputs));
    String bucket = store.substring("s3://".length(), store.indexOf('/', "s3://".length()));
    s3.admin()
        .deleteObject(b -> b.bucket(bucket).key("checkpoints/" + saved.key() + "manifest.json"));

    assertThatThrownBy(
            () -> on(workerB).restore(new CheckpointRestore("s-2", saved, outputs, null)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> assertThat(e.getType()).isEqualTo(CheckpointActivities.UNUSABLE))
        .hasMessageContaining("manifest is missing");
    assertThat(regularFilesIn(dirB)).isEmpty();
  }

  @Test
  void aManifestThatDoesNotListTheRecordedOutputsIsUnusable() throws Exception {
    List<Artifact> outputs = outputs();
    CheckpointSaved saved = on(workerA).save(save(fileStore(), outputs));
    Artifact big = outputs.get(0);
    List<Artifact> other =
        List.of(
            new Artifact(big.path(), big.bytes(), "00" + big.sha256().substring(2), -1),
            outputs.get(1));

    assertThatThrownBy(() -> on(workerB).restore(new CheckpointRestore("s-2", saved, other, null)))
        .hasMessageContaining("differs from the recorded output");
  }

  @Test
  void aFencedSessionPublishesNoManifest() throws Exception {
    String store = fileStore();
    List<Artifact> outputs = outputs();
    workerA.fence("s-1", Duration.ofMinutes(1));
    workerA.markLost("s-1"); // the lease was lost: another worker may hold the pipeline now

    assertThatThrownBy(() -> on(workerA).save(save(store, outputs)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> {
              assertThat(e.getType()).isEqualTo(Failures.SESSION_LOST);
              assertThat(e.isNonRetryable()).isTrue();
            })
        .hasMessageContaining("fenced");
    Path root = Path.of(java.net.URI.create(store));
    assertThat(regularFilesIn(root).stream().map(p -> p.getFileName().toString()))
        .doesNotContain("manifest.json");
  }

  @Test
  void aSessionLostWhileItsFilesUploadPublishesNoManifest() throws Exception {
    String store = fileStore();
    List<Artifact> outputs = outputs();
    workerA.fence("s-1", Duration.ofMinutes(1));
    workerA.confirmLease("s-1");
    CheckpointActivitiesImpl losing =
        new CheckpointActivitiesImpl(
            "w", workerA, stores, details -> workerA.markLost("s-1")); // lost at the first beat

    assertThatThrownBy(() -> losing.save(save(store, outputs)))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> assertThat(e.getType()).isEqualTo(Failures.SESSION_LOST));
    Path root = Path.of(java.net.URI.create(store));
    assertThat(regularFilesIn(root).stream().map(p -> p.getFileName().toString()))
        .doesNotContain("manifest.json");
  }

  @Test
  void aStageWithTooManyOutputsForTheHistoryIsCheckpointedWithItsSpilledList() throws Exception {
    Path stageDir = Files.createDirectories(dirA.resolve("0-download/attempt-1"));
    List<Artifact> many = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      Path f = stageDir.resolve("part-" + i + ".csv");
      Files.writeString(f, "id\n" + i + "\n");
      many.add(Artifact.describe(dirA, f, 1));
    }
    String listPath = "0-download/outputs-1.json";
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValue(
            dirA.resolve(listPath).toFile(),
            java.util.Map.of("outputs", many, "outputUris", List.of()));
    long bytes = many.stream().mapToLong(Artifact::bytes).sum();
    var spilled = new dev.locality.stage.ArtifactManifest(listPath, 101, bytes, 0);

    CheckpointSaved saved =
        on(workerA)
            .save(
                new CheckpointSave(PIPELINE, "s-1", 0, "download", s3Store(), List.of(), spilled));
    on(workerB).restore(new CheckpointRestore("s-2", saved, List.of(), spilled));

    assertThat(saved.files()).isEqualTo(102);
    for (Artifact a : many) {
      assertThat(dirB.resolve(a.path())).hasSameBinaryContentAs(dirA.resolve(a.path()));
    }
    assertThat(dirB.resolve(listPath)).hasSameBinaryContentAs(dirA.resolve(listPath));
  }

  @Test
  void aSessionThatIsNotOpenHereIsLost() {
    assertThatThrownBy(() -> on(workerB).save(save(fileStore(), List.of())))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            e -> assertThat(e.getType()).isEqualTo(Failures.SESSION_LOST));
  }

  @Test
  void deleteRemovesEveryObjectOfTheRun() throws Exception {
    for (String store : List.of(fileStore(), s3Store())) {
      List<Artifact> outputs = outputs();
      CheckpointSaved saved = on(workerA).save(save(store, outputs));
      assertThat(on(workerA).delete(store, saved.runPrefix())).isEqualTo(3);
      assertThat(on(workerA).delete(store, saved.runPrefix())).isZero();
      assertThatThrownBy(
              () -> on(workerB).restore(new CheckpointRestore("s-2", saved, outputs, null)))
          .hasMessageContaining("manifest is missing");
    }
  }

  @Test
  void aFileStoreOutsideTheAllowedRootsIsBadInput() {
    CheckpointStores limited =
        new CheckpointStores(
            WorkerSettingValues.unchecked(
                java.util.Map.of("allowedUploadRoots", tmp.resolve("only").toString())));
    assertThatThrownBy(() -> limited.open(fileStore()))
        .isInstanceOfSatisfying(
            ApplicationFailure.class, e -> assertThat(e.getType()).isEqualTo(Failures.BAD_INPUT))
        .hasMessageContaining("allowedUploadRoots");
  }

  private static List<Path> regularFilesIn(Path dir) throws IOException {
    if (!Files.exists(dir)) return List.of();
    try (Stream<Path> files = Files.walk(dir)) {
      return new ArrayList<>(files.filter(Files::isRegularFile).toList());
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
