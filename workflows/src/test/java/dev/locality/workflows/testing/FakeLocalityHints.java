package dev.locality.workflows.testing;

import dev.locality.api.session.LocalityHints;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker registry's answer to "who holds this URL" as a test sets it (the worker side, which
 * reads the registry, is tested in worker-app and the IT). Counts the questions. Thread-safe.
 */
public final class FakeLocalityHints implements LocalityHints {
  private volatile List<String> holders = List.of();
  private volatile String lastUrlHash;
  private final AtomicInteger calls = new AtomicInteger();

  /** From now on every question is answered with {@code workerIds}. */
  public void answer(String... workerIds) {
    holders = List.of(workerIds);
  }

  public int calls() {
    return calls.get();
  }

  public String lastUrlHash() {
    return lastUrlHash;
  }

  @Override
  public List<String> holders(String sharedQueue, String pool, String urlHash) {
    calls.incrementAndGet();
    lastUrlHash = urlHash;
    return holders;
  }
}
