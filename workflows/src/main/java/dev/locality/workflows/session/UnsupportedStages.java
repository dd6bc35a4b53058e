package dev.locality.workflows.session;

import dev.locality.api.workflow.Failures;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The leases of one session request that workers declined because they lack stage types the
 * pipeline needs ({@link Failures#LEASE_UNSUPPORTED}): which workers, and which types each lacks.
 * Names them in the "no worker supports stage X" failure. Workflow code only, not thread-safe.
 */
final class UnsupportedStages {
  private final Map<String, Set<String>> missingByWorker = new LinkedHashMap<>();
  private int declines;

  /** True when {@code failure} is a lease declined for missing stage types. */
  static boolean isUnsupported(Throwable failure) {
    return failure instanceof ActivityFailure
        && failure.getCause() instanceof ApplicationFailure a
        && Failures.LEASE_UNSUPPORTED.equals(a.getType());
  }

  /** Records the worker and missing types a {@link #isUnsupported} failure carries. */
  void record(Throwable failure) {
    declines++;
    ApplicationFailure a = (ApplicationFailure) failure.getCause();
    String worker = "unknown worker";
    List<String> missing = List.of();
    try {
      if (a.getDetails().getSize() > 0) worker = a.getDetails().get(0, String.class);
      if (a.getDetails().getSize() > 1) missing = stringList(a.getDetails().get(1, List.class));
    } catch (RuntimeException unreadable) {
      // a worker of another version: keep what was read
    }
    missingByWorker.computeIfAbsent(worker, w -> new LinkedHashSet<>()).addAll(missing);
  }

  boolean isEmpty() {
    return missingByWorker.isEmpty();
  }

  /** Declines recorded so far. */
  int declines() {
    return declines;
  }

  /** Distinct workers that declined. */
  int workers() {
    return missingByWorker.size();
  }

  /** E.g. {@code no worker supports stage 'geo-enrich' (declined by w1, w2)}. */
  String describe() {
    Set<String> types = new LinkedHashSet<>();
    missingByWorker.values().forEach(types::addAll);
    String names = types.stream().map(t -> "'" + t + "'").collect(Collectors.joining(", "));
    return "no worker supports stage"
        + (types.size() == 1 ? " " : "s ")
        + names
        + " (declined by "
        + String.join(", ", new ArrayList<>(missingByWorker.keySet()))
        + ")";
  }

  private static List<String> stringList(List<?> values) {
    List<String> out = new ArrayList<>();
    if (values != null) for (Object v : values) out.add(String.valueOf(v));
    return out;
  }
}
