package dev.locality.activities.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The sessions open on this worker, by session id. The session lease registers a session once its
 * directory exists and unregisters it when the lease ends; the stage dispatcher looks sessions up
 * (an unknown session means the worker lost it). Thread-safe.
 */
public final class SessionRegistry {
  private final Map<String, OpenSession> open = new ConcurrentHashMap<>();
  private final Map<String, Fence> fences = new ConcurrentHashMap<>();
  private final Object changed = new Object();
  private final Consumer<OpenSession> onRegister;

  public SessionRegistry() {
    this(session -> {});
  }

  /**
   * @param onRegister told of every session registered, on the registering thread, after it was
   *     recorded (metrics); must be quick and must not throw
   */
  public SessionRegistry(Consumer<OpenSession> onRegister) {
    this.onRegister = onRegister;
  }

  /**
   * Records an open session.
   *
   * @throws IllegalStateException when a session with this id is already open here
   */
  public void register(OpenSession session) {
    OpenSession previous = open.putIfAbsent(session.sessionId(), session);
    if (previous != null)
      throw new IllegalStateException("session " + session.sessionId() + " is already open");
    onRegister.accept(session);
  }

  /** When the server last confirmed a session's lease, and for how long a confirmation holds. */
  private record Fence(long confirmedAtNanos, long validNanos, boolean lost) {}

  /**
   * Fencing: from now on {@code sessionId} counts as held only while the server confirmed its lease
   * within the last {@code validFor} (see {@link #confirmLease}). Call once, when the lease starts
   * (the task it just received is the first confirmation). Sessions without a fence count as held
   * while registered.
   */
  public void fence(String sessionId, Duration validFor) {
    fences.put(sessionId, new Fence(System.nanoTime(), validFor.toNanos(), false));
  }

  /** The server recorded a lease heartbeat of {@code sessionId} just now. */
  public void confirmLease(String sessionId) {
    fences.computeIfPresent(
        sessionId, (id, f) -> f.lost() ? f : new Fence(System.nanoTime(), f.validNanos(), false));
  }

  /** The server no longer knows the lease (it timed out): the session is lost for good. */
  public void markLost(String sessionId) {
    fences.computeIfPresent(sessionId, (id, f) -> new Fence(f.confirmedAtNanos(), 0, true));
  }

  /**
   * Whether this worker may still act for {@code sessionId}: it is registered, and, when fenced,
   * not lost and confirmed by the server recently. A worker cut off from the server stops holding
   * its sessions before the server can give them to another worker (the confirmation window is
   * shorter than the lease's heartbeat timeout).
   */
  public boolean isHeld(String sessionId) {
    if (!open.containsKey(sessionId)) return false;
    Fence fence = fences.get(sessionId);
    if (fence == null) return true;
    return !fence.lost() && System.nanoTime() - fence.confirmedAtNanos() < fence.validNanos();
  }

  /** Forgets a session; returns whether it was open. Idempotent. */
  public boolean unregister(String sessionId) {
    fences.remove(sessionId);
    boolean removed = open.remove(sessionId) != null;
    if (removed) {
      synchronized (changed) {
        changed.notifyAll();
      }
    }
    return removed;
  }

  public Optional<OpenSession> find(String sessionId) {
    return Optional.ofNullable(open.get(sessionId));
  }

  /** Number of open sessions (the session slots in use). */
  public int size() {
    return open.size();
  }

  /** A snapshot of the open sessions. */
  public List<OpenSession> all() {
    return List.copyOf(open.values());
  }

  /**
   * Waits until no session is open or {@code timeout} passes.
   *
   * @return true when no session is open
   */
  public boolean awaitEmpty(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      while (!open.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        changed.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }
}
