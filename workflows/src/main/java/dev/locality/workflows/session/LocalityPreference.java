package dev.locality.workflows.session;

import dev.locality.api.session.LocalityHints;
import dev.locality.api.session.TaskQueues;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.StageSpec;
import dev.locality.api.workflow.Failures;
import dev.locality.stage.Durations;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Delay scheduling across pipelines: a pipeline whose first stage is a {@code download} of one URL
 * with {@code cache: true} offers its first session to a worker that holds that URL in its download
 * cache, on that worker id's preferred queue ({@link TaskQueues#preferred}, per pool), for {@link
 * SessionOptions#localityWait()}; when no such worker takes it in time (none holds the file, it is
 * gone, or it has no free slot and declines), the session goes to the shared queue as usual. Which
 * workers hold the URL comes from the worker registry through the {@link LocalityHints} local
 * activity (recorded in the history, so replay is deterministic); a failure to ask is no hint.
 *
 * <p>Recorded behind {@link Workflow#getVersion} change id {@value #CHANGE_ID}, asked only for such
 * pipelines: histories recorded before it replay without the hint. Workflow code only.
 */
public final class LocalityPreference {
  /** {@link Workflow#getVersion} change id of delay scheduling. */
  public static final String CHANGE_ID = "locality-wait-1";

  private static final Logger log = Workflow.getLogger(LocalityPreference.class);

  private final String urlHash;

  private LocalityPreference(String urlHash) {
    this.urlHash = urlHash;
  }

  /**
   * The preference of {@code spec}: the hash of its first stage's URL when that stage is a {@code
   * download} with {@code url} and {@code cache: true}, else none (never offers anything).
   */
  public static LocalityPreference of(PipelineSpec spec) {
    if (spec.stages().isEmpty()) return new LocalityPreference(null);
    StageSpec first = spec.stages().get(0);
    Map<String, Object> options = first.options() == null ? Map.of() : first.options();
    boolean cached =
        Boolean.TRUE.equals(options.get("cache")) || "true".equals(options.get("cache"));
    Object url = options.get("url");
    if (!"download".equals(first.type()) || !cached || !(url instanceof String u)) {
      return new LocalityPreference(null);
    }
    return new LocalityPreference(urlHash(u));
  }

  /**
   * What workers report for a URL they hold: the SHA-256 (hex) of the URL as written; the same
   * function as the download stage's.
   */
  public static String urlHash(String url) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(url.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** The URL hash this pipeline prefers, or null. */
  public String preferredUrlHash() {
    return urlHash;
  }

  /**
   * Opens the session on a worker that holds the input, waiting at most the locality wait.
   *
   * @return the open session, or null when no such worker took it (open one as usual then)
   */
  WorkerSession open(WorkerSessions sessions, SessionOptions options) {
    Duration wait = options.localityWait();
    if (urlHash == null || wait.isZero() || wait.isNegative() || options.reattach() != null) {
      return null;
    }
    if (Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return null;
    }
    String shared =
        options.leaseTaskQueue() != null
            ? options.leaseTaskQueue()
            : Workflow.getInfo().getTaskQueue();
    List<String> holders;
    try {
      holders = hints().holders(shared, options.pool(), urlHash);
    } catch (ActivityFailure e) {
      log.info("locality: cannot ask which worker holds the input ({}); any worker", e.getCause());
      return null;
    }
    if (holders == null || holders.isEmpty()) {
      log.info("locality: no live worker holds the input in its cache; any worker");
      return null;
    }
    String worker = holders.get(0);
    SessionOptions preferred =
        options.toBuilder()
            .setLeaseTaskQueue(TaskQueues.preferred(shared, worker))
            .setCreationTimeout(wait)
            .build();
    log.info(
        "locality: offering the session to worker {}, which holds the input, for {}",
        worker,
        Durations.format(wait));
    try {
      return sessions.open(preferred);
    } catch (ApplicationFailure e) {
      if (!Failures.NO_WORKER.equals(e.getType())) throw e;
      log.info(
          "locality: worker {} did not take the session within {}; any worker",
          worker,
          Durations.format(wait));
      return null;
    }
  }

  private static LocalityHints hints() {
    return Workflow.newLocalActivityStub(
        LocalityHints.class,
        LocalActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofSeconds(5))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }
}
