package dev.locality.cli.demo;

import dev.locality.api.workflow.SessionRecord;
import dev.locality.cli.watch.LiveSnapshot;
import dev.locality.cli.watch.LiveStage;
import dev.locality.cli.watch.WatchHook;
import java.util.Optional;

/**
 * The demo's fault: the first time the watched run's first session has reached the given stage
 * (that stage or a later one has started) while the run is still going, kills the session's worker
 * with SIGKILL, so the failover happens in front of the user. Fires at most once. Called from the
 * watch loop's thread.
 */
public final class KillSwitch implements WatchHook {
  /** Kills a worker; returns whether one was killed. */
  @FunctionalInterface
  public interface Killer {
    boolean kill(String workerId) throws InterruptedException;
  }

  private final String stageType;
  private final Killer killer;
  private String killedWorker;
  private long killedAtMillis;

  public KillSwitch(String stageType, Killer killer) {
    this.stageType = stageType;
    this.killer = killer;
  }

  @Override
  public Optional<String> onSnapshot(LiveSnapshot snapshot) {
    if (killedWorker != null || !snapshot.isRunning()) return Optional.empty();
    SessionRecord session = snapshot.currentSession();
    if (session == null || session.attempt() != 1 || !"OPEN".equals(session.state())) {
      return Optional.empty();
    }
    Integer target = null;
    for (LiveStage stage : snapshot.stages()) {
      if (target == null && stageType.equals(stage.type())) target = stage.index();
      if (target != null && stage.index() >= target && !"PENDING".equals(stage.state())) {
        try {
          if (!killer.kill(session.workerId())) return Optional.empty();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
        killedWorker = session.workerId();
        killedAtMillis = System.currentTimeMillis();
        return Optional.of(
            "killed worker "
                + killedWorker
                + " (SIGKILL) as stage "
                + target
                + " "
                + stageType
                + " started");
      }
    }
    return Optional.empty();
  }

  /** The worker killed, or null while none was. */
  public String killedWorker() {
    return killedWorker;
  }

  /** Epoch millis of the kill, 0 while none. */
  public long killedAtMillis() {
    return killedAtMillis;
  }
}
