package dev.locality.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The long-lived child processes (server, workers, S3Proxy) still running: whatever a section does
 * not stop itself is stopped at the end of the run, or by the shutdown hook.
 */
final class Children {
  private final List<Proc> running = new ArrayList<>();

  synchronized void add(Proc p) {
    running.add(p);
  }

  synchronized void remove(Proc p) {
    running.remove(p);
  }

  /** Stops every process still running (SIGTERM, then SIGKILL). */
  void stopAll() {
    List<Proc> all;
    synchronized (this) {
      all = new ArrayList<>(running);
    }
    for (Proc p : all) {
      try {
        p.stop();
      } catch (Exception e) {
        p.process.destroyForcibly();
      }
    }
    synchronized (this) {
      running.clear();
    }
  }
}
