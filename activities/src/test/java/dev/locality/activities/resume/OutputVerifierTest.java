package dev.locality.activities.resume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.Artifact;
import dev.locality.stage.ArtifactManifest;
import dev.locality.stage.StageMetrics;
import dev.locality.stage.StageResult;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputVerifierTest {
  @TempDir Path session;

  private static final StageMetrics METRICS = new StageMetrics(0, 0, 0, 0, 0, 0);

  /** Writes {@code content} at {@code relative} and describes it as the dispatcher would. */
  private StageResult stage(String relative, byte[] content) throws Exception {
    Path file = session.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return StageResult.of(List.of(Artifact.describe(session, file, -1)), METRICS);
  }

  @Test
  void everyIntactStageIsVerifiedReadingEveryByte() throws Exception {
    byte[] big = new byte[20 * 1024 * 1024];
    for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31);
    StageResult download = stage("0-download/attempt-1/in.csv", big);
    StageResult transform = stage("1-transform-csv/attempt-1/out.csv", "a\n1\n".getBytes());
    AtomicInteger beats = new AtomicInteger();

    OutputVerifier.Verdict verdict =
        OutputVerifier.verify(session, List.of(download, transform), beats::incrementAndGet);

    assertThat(verdict.intactStages()).isEqualTo(2);
    assertThat(verdict.firstDifference()).isNull();
    assertThat(verdict.bytesRead()).isEqualTo(big.length + 4);
    assertThat(beats.get()).isGreaterThanOrEqualTo(2); // 20 MiB: every 8 MiB and after each file
  }

  @Test
  void oneChangedByteStopsAtThatStage() throws Exception {
    StageResult first = stage("0-a/attempt-1/x", "same\n".getBytes());
    StageResult second = stage("1-b/attempt-1/y", "hello world\n".getBytes());
    StageResult third = stage("2-c/attempt-1/z", "later\n".getBytes());
    try (RandomAccessFile f =
        new RandomAccessFile(session.resolve("1-b/attempt-1/y").toFile(), "rw")) {
      f.seek(3);
      f.write('X'); // same size, different content
    }

    OutputVerifier.Verdict verdict =
        OutputVerifier.verify(session, List.of(first, second, third), () -> {});

    assertThat(verdict.intactStages()).isEqualTo(1);
    assertThat(verdict.firstDifference()).startsWith("stage 1: 1-b/attempt-1/y has SHA-256 ");
  }

  @Test
  void aMissingOrResizedFileOrOneWithoutADigestDiffers() throws Exception {
    StageResult gone = stage("0-a/attempt-1/x", "x".getBytes());
    Files.delete(session.resolve("0-a/attempt-1/x"));
    assertThat(OutputVerifier.verify(session, List.of(gone), () -> {}).firstDifference())
        .isEqualTo("stage 0: 0-a/attempt-1/x is missing");

    StageResult grown = stage("0-a/attempt-1/y", "y".getBytes());
    Files.writeString(session.resolve("0-a/attempt-1/y"), "yy");
    assertThat(OutputVerifier.verify(session, List.of(grown), () -> {}).firstDifference())
        .isEqualTo("stage 0: 0-a/attempt-1/y has 2 bytes, recorded 1");

    Files.writeString(session.resolve("0-a/attempt-1/z"), "z");
    StageResult noDigest =
        StageResult.of(List.of(new Artifact("0-a/attempt-1/z", 1, null, -1)), METRICS);
    assertThat(OutputVerifier.verify(session, List.of(noDigest), () -> {}).intactStages()).isZero();

    StageResult escaping =
        StageResult.of(List.of(new Artifact("../outside", 1, "00", -1)), METRICS);
    assertThat(OutputVerifier.verify(session, List.of(escaping), () -> {}).firstDifference())
        .isEqualTo("stage 0: ../outside is outside the session");
  }

  @Test
  void aStageWithSpilledOutputsIsCheckedThroughItsManifest() throws Exception {
    StageResult listed = stage("0-a/attempt-1/p1", "one".getBytes());
    Artifact a = listed.outputs().get(0);
    Files.writeString(
        session.resolve("0-a/outputs-1.json"),
        "{\"outputs\":[{\"path\":\"%s\",\"bytes\":%d,\"sha256\":\"%s\",\"rows\":-1,\"kind\":\"data\"}],\"outputUris\":[]}"
            .formatted(a.path(), a.bytes(), a.sha256()),
        StandardCharsets.UTF_8);
    StageResult spilled =
        new StageResult(
            List.of(), METRICS, List.of(), new ArtifactManifest("0-a/outputs-1.json", 1, 3, 0));

    assertThat(OutputVerifier.verify(session, List.of(spilled), () -> {}).intactStages()).isOne();

    Files.delete(session.resolve("0-a/attempt-1/p1"));
    assertThat(OutputVerifier.verify(session, List.of(spilled), () -> {}).intactStages()).isZero();
    Files.delete(session.resolve("0-a/outputs-1.json"));
    assertThat(OutputVerifier.verify(session, List.of(spilled), () -> {}).firstDifference())
        .isEqualTo("stage 0: manifest 0-a/outputs-1.json is missing or unreadable");
  }
}
