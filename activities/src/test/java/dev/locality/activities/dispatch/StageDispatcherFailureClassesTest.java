package dev.locality.activities.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.locality.activities.session.OpenSession;
import dev.locality.activities.session.SessionRegistry;
import dev.locality.activities.stages.decompress.DecompressStage;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.spec.StageTimeouts;
import dev.locality.api.workflow.Failures;
import dev.locality.api.workflow.StageInvocation;
import dev.locality.stage.Artifact;
import dev.locality.stage.BadInputException;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.Stage;
import dev.locality.stage.StageContext;
import dev.locality.stage.StageInput;
import dev.locality.stage.StageRegistry;
import dev.locality.stage.StageResult;
import dev.locality.stage.runtime.HeartbeatChannel;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each failure class the dispatcher assigns (see {@link dev.locality.stage.runtime.StageFailures}
 * and docs/failure-classes.md), from the exception a stage really gets where the sandbox allows it:
 * a real {@link OutOfMemoryError}, a real ENOSPC (writing to {@code /dev/full}, and a full 5 MiB
 * tmpfs when this process may mount one), a real {@code FileAlreadyExistsException} and {@code
 * ENAMETOOLONG}. Permission denied is simulated (the exception Java throws for EACCES): the tests
 * run as root, whom file modes do not stop.
 */
class StageDispatcherFailureClassesTest {
  static final OptionSpec<String> DO =
      OptionSpec.builder("do", OptionType.STRING).description("what goes wrong").required().build();

  /** Writes a partial output, then fails the way its option says. */
  static final class FailingStage implements Stage {
    @Override
    public String type() {
      return "fail";
    }

    @Override
    public String description() {
      return "Fails on purpose.";
    }

    @Override
    public List<OptionSpec<?>> options() {
      return List.of(DO);
    }

    @Override
    public StageResult run(StageInput input, StageContext context) throws Exception {
      Path out = context.outputDir().resolve("partial.csv");
      try (OutputStream o = context.createOutput(out)) {
        o.write(new byte[100_000]);
      }
      switch (input.config().get(DO)) {
        case "oom":
          long[] huge = new long[Integer.MAX_VALUE - 16]; // 16 GiB: beyond any test heap
          throw new IllegalStateException("allocated " + huge.length + " longs");
        case "enospc":
          Path full =
              Files.createSymbolicLink(context.outputDir().resolve("full"), Path.of("/dev/full"));
          try (OutputStream o = Files.newOutputStream(full)) {
            o.write(new byte[1 << 20]);
            o.flush();
          }
          throw new IllegalStateException("/dev/full accepted the bytes");
        case "enospc-wrapped":
          throw new BadInputException("corrupt data", new IOException("No space left on device"));
        case "denied-inside":
          throw new AccessDeniedException(context.outputDir().resolve("x.csv").toString());
        case "denied-outside":
          throw new AccessDeniedException("/data/private/in.csv");
        case "exists":
          context.createOutput(out).close();
          throw new IllegalStateException("created twice");
        case "too-long":
          context.createOutput(context.outputDir().resolve("n".repeat(300) + ".csv")).close();
          throw new IllegalStateException("a 304-byte name was accepted");
        case "leak-bad-input":
          throw new BadInputException(
              "https://u:S3CRETMARK@origin/a.csv is not a CSV",
              new IOException("GET https://origin/a.csv?sig=S3CRETMARK"));
        case "leak-transient":
          throw new IOException(
              "reset by s3://key:S3CRETMARK@bucket/k",
              new IOException("after redirect to /b/k?X-Amz-Signature=S3CRETMARK"));
        default:
          throw new IOException("connection reset");
      }
    }
  }

  @TempDir Path tmp;

  private final SessionRegistry sessions = new SessionRegistry();
  private Path sessionDir;
  private StageDispatcher dispatcher;

  private static final HeartbeatChannel HEARTBEAT =
      new HeartbeatChannel() {
        @Override
        public void heartbeat(Progress progress) {}

        @Override
        public Optional<Progress> previous() {
          return Optional.empty();
        }
      };

  @BeforeEach
  void setUp() throws IOException {
    sessionDir = Files.createDirectories(tmp.resolve("session"));
    sessions.register(new OpenSession("s-1", "wf-1", sessionDir, Instant.now()));
    dispatcher =
        new StageDispatcher(
            "w1",
            StageRegistry.of(List.of(new FailingStage(), new DecompressStage())),
            sessions,
            Map.of());
  }

  private Throwable fail(String what) {
    Throwable thrown = null;
    try {
      dispatcher.dispatch(
          "fail",
          new StageInvocation(
              new PipelineInfo("p", "wf-1", "run-1"),
              "s-1",
              0,
              new StageSpec("fail", Map.of("do", what), StageTimeouts.DEFAULTS, 3),
              List.of()),
          1,
          HEARTBEAT);
    } catch (Throwable t) {
      thrown = t;
    }
    assertThat(thrown).as(what).isNotNull();
    assertThat(sessionDir.resolve("0-fail/attempt-1"))
        .as("partial output of " + what)
        .doesNotExist();
    return thrown;
  }

  private static ApplicationFailure application(Throwable t) {
    assertThat(t).isInstanceOf(ApplicationFailure.class);
    return (ApplicationFailure) t;
  }

  @Test
  void badInputFromAStageThatPrintsSecretsLeavesTheWorkerRedacted() {
    ApplicationFailure f = application(fail("leak-bad-input"));
    assertThat(f.getType()).isEqualTo(Failures.BAD_INPUT);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).isEqualTo("https://***@origin/a.csv is not a CSV");
    assertThat(chainText(f)).doesNotContain("S3CRETMARK").contains("https://origin/a.csv?***");
  }

  @Test
  void aTransientFailureThatPrintsSecretsKeepsItsTypeAndLosesTheSecrets() {
    ApplicationFailure f = application(fail("leak-transient"));
    assertThat(f.getType()).isEqualTo(IOException.class.getName());
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage()).isEqualTo("reset by s3://***@bucket/k");
    assertThat(chainText(f)).doesNotContain("S3CRETMARK").contains("/b/k?***");
  }

  private static String chainText(Throwable t) {
    java.io.StringWriter out = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(out));
    return out.toString();
  }

  @Test
  void outOfMemoryIsNeverRetriedInPlace() {
    ApplicationFailure f = application(fail("oom"));
    assertThat(f.getType()).isEqualTo(Failures.WORKER_RESOURCES);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).startsWith("the worker ran out of memory (");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aFullDiskIsTransientNotBadInputAndItsPartialOutputIsDeleted() {
    ApplicationFailure f = application(fail("enospc"));
    assertThat(f.getType()).isEqualTo("DiskFull");
    assertThat(f.isNonRetryable()).isFalse();
    assertThat(f.getOriginalMessage())
        .startsWith("disk full on the worker: ")
        .contains("No space left on device");
  }

  @Test
  void aFullDiskHiddenInBadInputIsStillTransient() {
    ApplicationFailure f = application(fail("enospc-wrapped"));
    assertThat(f.getType()).isEqualTo("DiskFull");
    assertThat(f.isNonRetryable()).isFalse();
  }

  @Test
  void permissionDeniedInTheSessionDirectoryIsTheWorkersProblem() {
    ApplicationFailure f = application(fail("denied-inside"));
    assertThat(f.getType()).isEqualTo(Failures.WORKER_RESOURCES);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage())
        .startsWith("permission denied on the worker's work directory: ");
  }

  @Test
  void permissionDeniedOnAFileTheUserNamedIsBadInput() {
    ApplicationFailure f = application(fail("denied-outside"));
    assertThat(f.getType()).isEqualTo(Failures.BAD_INPUT);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).isEqualTo("permission denied: /data/private/in.csv");
  }

  @Test
  void twoOutputsWithOneNameAreBadInputNamingTheFile() {
    ApplicationFailure f = application(fail("exists"));
    assertThat(f.getType()).isEqualTo(Failures.BAD_INPUT);
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage()).endsWith(": 0-fail/attempt-1/partial.csv");
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void aFileNameTooLongIsBadInput() {
    ApplicationFailure f = application(fail("too-long"));
    assertThat(f.getType()).isEqualTo(Failures.BAD_INPUT);
    assertThat(f.getOriginalMessage())
        .startsWith("file name too long for the worker's file system");
  }

  @Test
  void otherFailuresAreRetriedInPlace() {
    Throwable t = fail("reset");
    assertThat(t).isNotInstanceOf(ApplicationFailure.class).hasRootCauseMessage("connection reset");
  }

  /**
   * A real full disk: the session directory on a 5 MiB tmpfs, a decompress stage writing 20 MiB.
   * Runs where this process may mount (root in a sandbox that allows it); skipped elsewhere.
   */
  @Test
  @EnabledOnOs(OS.LINUX)
  void aRealFullTmpfsDuringDecompressIsTransientAndFreesTheSpace() throws Exception {
    Path small = Files.createDirectories(tmp.resolve("small"));
    assumeTrue(
        run("mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", small.toString()) == 0,
        "cannot mount a tmpfs here");
    try {
      Path session = Files.createDirectories(small.resolve("s-2"));
      sessions.register(new OpenSession("s-2", "wf-2", session, Instant.now()));
      Path zeros = Files.createDirectories(session.resolve("in")).resolve("zeros");
      try (OutputStream o = Files.newOutputStream(zeros)) {
        o.write(new byte[1 << 20]); // 1 MiB, gzipped below to ~1 KiB
      }
      assertThat(
              run(
                  "sh",
                  "-c",
                  "for i in $(seq 20); do cat "
                      + zeros
                      + "; done | gzip -c > "
                      + zeros
                      + ".gz && rm "
                      + zeros))
          .isZero();

      ApplicationFailure f =
          catchThrowableOfType(
              ApplicationFailure.class,
              () ->
                  dispatcher.dispatch(
                      "decompress",
                      new StageInvocation(
                          new PipelineInfo("p", "wf-2", "run-2"),
                          "s-2",
                          1,
                          new StageSpec("decompress", Map.of(), StageTimeouts.DEFAULTS, 3),
                          List.of(new Artifact("in/zeros.gz", -1, null, -1))),
                      1,
                      HEARTBEAT));

      assertThat(f.getType()).isEqualTo("DiskFull");
      assertThat(f.isNonRetryable()).isFalse();
      assertThat(f.getOriginalMessage()).contains("No space left on device");
      assertThat(session.resolve("1-decompress/attempt-1")).doesNotExist();
      assertThat(Files.getFileStore(session).getUsableSpace()).isGreaterThan(4L << 20);
    } finally {
      run("umount", small.toString());
    }
  }

  private static int run(String... command) throws Exception {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().transferTo(OutputStream.nullOutputStream());
      return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    }
  }
}
