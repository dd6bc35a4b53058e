package dev.locality.activities.stages.download;

import dev.locality.stage.Artifact;
import dev.locality.stage.HashingOutputStream;
import dev.locality.stage.PipelineInfo;
import dev.locality.stage.Progress;
import dev.locality.stage.SettingSpec;
import dev.locality.stage.StageCancelledException;
import dev.locality.stage.StageContext;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs one job per file, at most {@code parallelism} at once, within one stage attempt.
 *
 * <p>Each job gets a {@link StageContext} of its own that it may use from its thread as a stage
 * uses its context: its progress and heartbeats only record the file's bytes (done of total), while
 * the attempt's thread heartbeats the sum over all files to the real context every {@value
 * StageContext#PROGRESS_INTERVAL_MILLIS} ms. Calls that reach the real context (creating and
 * describing outputs) are serialized, as the context requires.
 *
 * <p><b>Failure and cancellation:</b> the first job to fail, or a heartbeat of the attempt that
 * throws (the pipeline was cancelled, the session lost), cancels the rest: their next progress
 * report throws {@link StageCancelledException} and their threads are interrupted. {@link #run}
 * returns or throws only after every job has ended, so no thread writes into the attempt's
 * directories after it (the framework deletes the output directory of a failed attempt; a partial
 * download stays in the resume directory after a transient failure, so the retry resumes every file
 * where it stopped). The first failure is thrown, the others attached as suppressed (cancellations
 * left out). Not thread-safe: one call per attempt.
 */
final class ConcurrentFiles {
  /** One file's work. */
  interface Job<T> {
    T run(StageContext context) throws Exception;
  }

  private final StageContext attempt;
  private final int parallelism;
  private final Duration drainTimeout;

  /**
   * @param drainTimeout how long to wait for cancelled jobs to end (they stop at their next buffer
   *     or, blocked in a read, at their idle timeout)
   */
  ConcurrentFiles(StageContext attempt, int parallelism, Duration drainTimeout) {
    this.attempt = attempt;
    this.parallelism = parallelism;
    this.drainTimeout = drainTimeout;
  }

  /**
   * Runs the jobs and returns their results in the jobs' order.
   *
   * @param sizes each file's size when known before (-1 otherwise), for the heartbeats' total
   */
  <T> List<T> run(List<Job<T>> jobs, long[] sizes) throws Exception {
    Shared shared = new Shared(attempt, sizes);
    if (jobs.size() == 1) return List.of(jobs.get(0).run(attempt)); // as before: no threads
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(parallelism, jobs.size()), threads(attempt));
    ExecutorCompletionService<Integer> done = new ExecutorCompletionService<>(pool);
    List<Future<Integer>> futures = new ArrayList<>();
    List<T> results = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) results.add(null);
    Exception failure = null;
    try {
      for (int i = 0; i < jobs.size(); i++) {
        int index = i;
        futures.add(
            done.submit(
                () -> {
                  results.set(index, jobs.get(index).run(shared.child(index)));
                  return index;
                }));
      }
      for (int finished = 0; finished < jobs.size(); ) {
        Future<Integer> next =
            done.poll(StageContext.PROGRESS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        shared.heartbeat();
        if (next == null) continue;
        finished++;
        next.get();
      }
      shared.heartbeat();
      return results;
    } catch (ExecutionException e) {
      failure = asException(e.getCause());
      throw failure;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = new InterruptedIOException("interrupted while downloading");
      throw failure;
    } catch (Exception e) {
      failure = e;
      throw e;
    } finally {
      if (failure != null) {
        shared.cancel();
        pool.shutdownNow();
        drain(futures, failure);
      }
      pool.shutdownNow();
    }
  }

  /** Waits for the cancelled jobs to end, attaching their failures (not cancellations). */
  private void drain(List<Future<Integer>> futures, Exception failure) {
    long deadline = System.nanoTime() + drainTimeout.toNanos();
    for (Future<Integer> future : futures) {
      try {
        future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (!(cause instanceof StageCancelledException)
            && !(cause instanceof InterruptedIOException)
            && cause != failure) {
          failure.addSuppressed(cause);
        }
      } catch (java.util.concurrent.CancellationException e) {
        // never started
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (java.util.concurrent.TimeoutException e) {
        failure.addSuppressed(
            new IOException("a download did not stop within " + drainTimeout.toSeconds() + " s"));
        return;
      }
    }
  }

  private static Exception asException(Throwable t) {
    if (t instanceof Exception e) return e;
    if (t instanceof Error e) throw e;
    return new RuntimeException(t);
  }

  private static ThreadFactory threads(StageContext attempt) {
    AtomicInteger count = new AtomicInteger();
    String name = "download-" + attempt.outputDir().getFileName() + "-";
    return r -> {
      Thread t = new Thread(r, name + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The state the jobs share: their progress, the cancellation flag, the real context's lock. */
  private static final class Shared {
    private final StageContext attempt;
    private final AtomicLongArray done;
    private final AtomicLongArray totals;
    private volatile boolean cancelled;

    Shared(StageContext attempt, long[] sizes) {
      this.attempt = attempt;
      this.done = new AtomicLongArray(sizes.length);
      this.totals = new AtomicLongArray(sizes);
    }

    StageContext child(int index) {
      return new FileContext(this, index);
    }

    void record(int index, Progress progress) {
      if (cancelled) throw new StageCancelledException("another file of this download failed");
      done.set(index, Math.max(0, progress.done()));
      if (progress.total() >= 0) totals.set(index, progress.total());
    }

    void cancel() {
      cancelled = true;
    }

    /** Heartbeats the sum of all files to the attempt's context. */
    void heartbeat() {
      long sumDone = 0;
      long sumTotal = 0;
      for (int i = 0; i < done.length(); i++) {
        sumDone += done.get(i);
        long total = totals.get(i);
        sumTotal = sumTotal < 0 || total < 0 ? -1 : sumTotal + total;
      }
      synchronized (this) {
        attempt.heartbeat(Progress.bytes(sumDone, sumTotal));
      }
    }
  }

  /** One file's view of the attempt's context. */
  private static final class FileContext implements StageContext {
    private final Shared shared;
    private final StageContext attempt;
    private final int index;

    FileContext(Shared shared, int index) {
      this.shared = shared;
      this.attempt = shared.attempt;
      this.index = index;
    }

    @Override
    public Path sessionDir() {
      return attempt.sessionDir();
    }

    @Override
    public Path outputDir() {
      return attempt.outputDir();
    }

    @Override
    public Path resumeDir() {
      return attempt.resumeDir();
    }

    @Override
    public HashingOutputStream createOutput(Path file) throws IOException {
      synchronized (shared) {
        return attempt.createOutput(file);
      }
    }

    @Override
    public HashingOutputStream resumeOutput(Path file, long keep) throws IOException {
      synchronized (shared) {
        return attempt.resumeOutput(file, keep);
      }
    }

    @Override
    public Path resolve(Artifact artifact) {
      synchronized (shared) {
        return attempt.resolve(artifact);
      }
    }

    @Override
    public Artifact artifact(Path file, long rows) throws IOException {
      synchronized (shared) {
        return attempt.artifact(file, rows);
      }
    }

    @Override
    public PipelineInfo pipeline() {
      return attempt.pipeline();
    }

    @Override
    public int attempt() {
      return attempt.attempt();
    }

    @Override
    public void heartbeat(Progress progress) {
      shared.record(index, progress);
    }

    @Override
    public void progress(long done, long total) {
      shared.record(index, Progress.bytes(done, total));
    }

    @Override
    public void progressRows(long rows) {
      shared.record(index, Progress.rows(rows));
    }

    @Override
    public Optional<Progress> previousProgress() {
      return attempt.previousProgress();
    }

    @Override
    public <T> T setting(SettingSpec<T> setting) {
      return attempt.setting(setting);
    }

    @Override
    public List<Path> workerOwnedPaths() {
      return attempt.workerOwnedPaths();
    }

    @Override
    public System.Logger logger() {
      return attempt.logger();
    }
  }
}
