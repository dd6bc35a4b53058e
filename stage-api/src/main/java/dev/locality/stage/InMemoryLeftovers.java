package dev.locality.stage;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link Leftovers} kept in memory: what the test kit shares between the attempts (and the
 * simulated workers) of one runner, and the default for contexts that have no pipeline record.
 * Thread-safe.
 */
final class InMemoryLeftovers implements Leftovers {
  private final Set<Leftover> leftovers = new LinkedHashSet<>();

  @Override
  public synchronized void record(Leftover leftover) {
    leftovers.add(leftover);
  }

  @Override
  public synchronized void forget(Leftover leftover) {
    leftovers.remove(leftover);
  }

  @Override
  public synchronized List<Leftover> recorded(String kind) {
    return leftovers.stream().filter(l -> l.kind().equals(kind)).toList();
  }
}
