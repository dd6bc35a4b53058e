package dev.locality.activities.stages.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Waits for something a stage cannot make progress without (response headers, an S3 call's answer)
 * while keeping the stage's heartbeat going.
 *
 * <p><b>Heartbeat duty:</b> the waiting thread (the stage attempt's own) calls {@code heartbeat}
 * every {@link #INTERVAL} (≤ 500 ms) until the result is there, so a slow origin never starves the
 * heartbeat however long the wait is allowed to last. The heartbeat should repeat the stage's last
 * progress.
 *
 * <p><b>Giving up:</b> when {@code heartbeat} throws (the stage was cancelled, or the pipeline lost
 * its session), when the waiting thread is interrupted, or when the optional timeout passes, the
 * wait is abandoned: the future is cancelled (interrupting a {@link #call blocking call}) and a
 * result that arrives anyway is handed to {@code discard} (close a response body, abort a stream)
 * exactly once. The heartbeat's exception then propagates unchanged.
 *
 * <p>Thread-safe: stateless apart from a shared pool of daemon threads for {@link #call}.
 */
public final class HeartbeatingWait {
  /** How often the waiting thread heartbeats. */
  public static final Duration INTERVAL = Duration.ofMillis(250);

  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService BLOCKING =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "locality-blocking-call-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private HeartbeatingWait() {}

  /**
   * Waits for {@code future}, heartbeating.
   *
   * @param timeout how long to wait at most, or null for as long as the future takes
   * @param discard receives a result that arrived after the wait was abandoned
   * @return the future's value
   * @throws ExecutionException when the future failed (its cause is the failure)
   * @throws TimeoutException when {@code timeout} passed first
   * @throws InterruptedException when the waiting thread was interrupted
   */
  public static <T> T await(
      CompletableFuture<T> future,
      Duration timeout,
      Runnable heartbeat,
      Consumer<? super T> discard)
      throws ExecutionException, TimeoutException, InterruptedException {
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    boolean done = false;
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) throw new TimeoutException("no result within " + timeout.toMillis() + " ms");
        try {
          T value = future.get(Math.min(left, INTERVAL.toNanos()), TimeUnit.NANOSECONDS);
          done = true;
          return value;
        } catch (TimeoutException e) {
          heartbeat.run();
        } catch (ExecutionException e) {
          done = true;
          throw e;
        }
      }
    } finally {
      if (!done) abandon(future, discard);
    }
  }

  /**
   * Runs {@code blocking} on a pool thread and waits for it, heartbeating, as {@link #await}. An
   * abandoned call's thread is interrupted; it ends when the call returns or fails on its own (its
   * client's timeouts bound it), and what it returns then goes to {@code discard}.
   *
   * @throws ExecutionException when the call threw (its cause is what it threw)
   */
  public static <T> T call(
      Callable<T> blocking, Duration timeout, Runnable heartbeat, Consumer<? super T> discard)
      throws ExecutionException, TimeoutException, InterruptedException {
    return call(blocking, timeout, heartbeat, discard, true);
  }

  /**
   * As {@link #callUnchecked}, but an abandoned call is left to finish instead of being
   * interrupted, so that what it creates reaches {@code discard} (to be undone) rather than being
   * lost with an interrupt: for calls that create something outside the worker, such as an S3
   * multipart upload. The call's own client timeouts bound it.
   */
  public static <T> T callUncheckedToCompletion(
      Callable<T> blocking, Runnable heartbeat, Consumer<? super T> discard) throws IOException {
    return unchecked(blocking, heartbeat, discard, false);
  }

  private static <T> T call(
      Callable<T> blocking,
      Duration timeout,
      Runnable heartbeat,
      Consumer<? super T> discard,
      boolean interruptWhenAbandoned)
      throws ExecutionException, TimeoutException, InterruptedException {
    CompletableFuture<T> result = new CompletableFuture<>();
    Future<?> task =
        BLOCKING.submit(
            () -> {
              try {
                T value = blocking.call();
                if (!result.complete(value) && value != null) discard.accept(value);
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    try {
      return await(result, timeout, heartbeat, discard);
    } finally {
      if (!result.isDone() || result.isCancelled()) task.cancel(interruptWhenAbandoned);
    }
  }

  /**
   * As {@link #call} with no timeout, for calls that cannot throw checked exceptions: what the call
   * threw is rethrown unchanged, an interrupt becomes an {@link IOException}.
   */
  public static <T> T callUnchecked(
      Callable<T> blocking, Runnable heartbeat, Consumer<? super T> discard) throws IOException {
    return unchecked(blocking, heartbeat, discard, true);
  }

  private static <T> T unchecked(
      Callable<T> blocking,
      Runnable heartbeat,
      Consumer<? super T> discard,
      boolean interruptWhenAbandoned)
      throws IOException {
    try {
      return call(blocking, null, heartbeat, discard, interruptWhenAbandoned);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no timeout was set", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for a response", e);
    }
  }

  /**
   * {@code cause} rethrown when unchecked, returned when an {@link IOException}, else wrapped in
   * one.
   */
  public static IOException rethrow(Throwable cause) {
    if (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof RuntimeException r) throw r;
    if (cause instanceof Error e) throw e;
    if (cause instanceof IOException io) return io;
    return new IOException(cause);
  }

  private static <T> void abandon(CompletableFuture<T> future, Consumer<? super T> discard) {
    if (future.cancel(true)) return;
    // it completed meanwhile: nobody will use the result
    T value;
    try {
      value = future.getNow(null);
    } catch (RuntimeException failed) {
      return;
    }
    if (value != null) {
      try {
        discard.accept(value);
      } catch (RuntimeException e) {
        // discarding is best effort
      }
    }
  }
}
