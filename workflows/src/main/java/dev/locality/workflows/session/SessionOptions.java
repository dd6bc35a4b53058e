package dev.locality.workflows.session;

import dev.locality.api.session.Pools;
import dev.locality.api.session.ReattachOffer;
import dev.locality.api.session.TaskQueues;
import dev.locality.api.spec.SessionSpec;
import dev.locality.stage.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How {@link WorkerSessions#open} asks for a worker session. Immutable; build with {@link
 * #newBuilder()} or derive from a spec with {@link #from(SessionSpec)}.
 *
 * <p>The timeouts are what detects trouble: {@code heartbeatTimeout} bounds how long a dead worker
 * goes unnoticed (during or between stages), {@code creationTimeout} bounds how long the workflow
 * waits for any worker with a free session slot.
 */
public final class SessionOptions {
  /** Lease declines after which the avoid list is dropped, so a lone worker still serves. */
  public static final int DEFAULT_MAX_DECLINES = 2;

  /** Upper bound on how long one session may stay open. */
  public static final Duration DEFAULT_MAX_SESSION_DURATION = Duration.ofDays(30);

  private final Duration heartbeatTimeout;
  private final Duration creationTimeout;
  private final Duration maxSessionDuration;
  private final String leaseTaskQueue;
  private final int attempt;
  private final List<String> avoidWorkers;
  private final int maxDeclines;
  private final List<String> stageTypes;
  private final String pool;
  private final Duration reattachTimeout;
  private final ReattachOffer reattach;
  private final Duration localityWait;

  private SessionOptions(Builder b) {
    this.reattachTimeout = b.reattachTimeout;
    this.reattach = b.reattach;
    this.localityWait = b.localityWait;
    this.heartbeatTimeout = b.heartbeatTimeout;
    this.creationTimeout = b.creationTimeout;
    this.maxSessionDuration = b.maxSessionDuration;
    this.leaseTaskQueue = b.leaseTaskQueue;
    this.attempt = b.attempt;
    this.avoidWorkers = List.copyOf(b.avoidWorkers);
    this.maxDeclines = b.maxDeclines;
    this.stageTypes = List.copyOf(b.stageTypes);
    this.pool = b.pool;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Options with the heartbeat and creation timeouts of a pipeline's session spec. */
  public static SessionOptions from(SessionSpec spec) {
    SessionSpec s = spec == null ? SessionSpec.DEFAULTS : spec;
    Builder b = newBuilder();
    if (s.heartbeatTimeout() != null) b.setHeartbeatTimeout(s.heartbeatTimeout());
    if (s.creationTimeout() != null) b.setCreationTimeout(s.creationTimeout());
    b.setPool(s.poolName());
    b.setReattachTimeout(s.reattachWindow());
    b.setLocalityWait(s.localityWaitOrDefault());
    return b.build();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Longest gap between lease heartbeats before the worker is declared lost. */
  public Duration heartbeatTimeout() {
    return heartbeatTimeout;
  }

  /** Longest wait for a worker with a free session slot (the lease's schedule-to-start). */
  public Duration creationTimeout() {
    return creationTimeout;
  }

  /** Longest a session may stay open (the lease's start-to-close). */
  public Duration maxSessionDuration() {
    return maxSessionDuration;
  }

  /** Queue the lease is scheduled on; null means the workflow's own task queue. */
  public String leaseTaskQueue() {
    return leaseTaskQueue;
  }

  /** 1-based session attempt, passed to the worker in the lease request. */
  public int attempt() {
    return attempt;
  }

  /** Workers that should decline the lease when another worker has room. */
  public List<String> avoidWorkers() {
    return avoidWorkers;
  }

  /** Declines after which the lease is requested without an avoid list. */
  public int maxDeclines() {
    return maxDeclines;
  }

  /** Stage types the session's worker must have; workers lacking one decline the lease. */
  public List<String> stageTypes() {
    return stageTypes;
  }

  /**
   * The resource pool whose workers may hold the session: the lease goes to that pool's queue
   * ({@link TaskQueues#leaseQueue}). {@link Pools#DEFAULT} unless set.
   */
  public String pool() {
    return pool;
  }

  /**
   * Same-host resume: how long a lost session is offered back to its worker id before failing over;
   * zero (the default) turns it off. Sent in every lease request so the worker keeps the session's
   * files that long after a crash.
   */
  public Duration reattachTimeout() {
    return reattachTimeout;
  }

  /**
   * Delay scheduling: how long the first session of a pipeline whose input a worker holds in its
   * download cache is offered to that worker alone ({@link LocalityPreference}); zero: never.
   */
  public Duration localityWait() {
    return localityWait;
  }

  /**
   * Set on a re-attach offer only: the lost session whose files the worker is to take over, with
   * the results of its completed stages. Null for an ordinary session.
   */
  public ReattachOffer reattach() {
    return reattach;
  }

  @Override
  public String toString() {
    return "SessionOptions{heartbeatTimeout="
        + Durations.format(heartbeatTimeout)
        + ", creationTimeout="
        + Durations.format(creationTimeout)
        + ", pool="
        + pool
        + ", attempt="
        + attempt
        + ", avoidWorkers="
        + avoidWorkers
        + "}";
  }

  /** Builder with the defaults of {@link SessionSpec#DEFAULTS}. */
  public static final class Builder {
    private Duration heartbeatTimeout = SessionSpec.DEFAULTS.heartbeatTimeout();
    private Duration creationTimeout = SessionSpec.DEFAULTS.creationTimeout();
    private Duration maxSessionDuration = DEFAULT_MAX_SESSION_DURATION;
    private String leaseTaskQueue;
    private int attempt = 1;
    private List<String> avoidWorkers = List.of();
    private int maxDeclines = DEFAULT_MAX_DECLINES;
    private List<String> stageTypes = List.of();
    private String pool = Pools.DEFAULT;
    private Duration reattachTimeout = Duration.ZERO;
    private ReattachOffer reattach;
    private Duration localityWait = Duration.ZERO;

    private Builder() {}

    private Builder(SessionOptions o) {
      heartbeatTimeout = o.heartbeatTimeout;
      creationTimeout = o.creationTimeout;
      maxSessionDuration = o.maxSessionDuration;
      leaseTaskQueue = o.leaseTaskQueue;
      attempt = o.attempt;
      avoidWorkers = o.avoidWorkers;
      maxDeclines = o.maxDeclines;
      stageTypes = o.stageTypes;
      pool = o.pool;
      reattachTimeout = o.reattachTimeout;
      reattach = o.reattach;
      localityWait = o.localityWait;
    }

    /** Same-host resume window; zero or null turns it off. */
    /** See {@link SessionOptions#localityWait()}; null: zero. */
    public Builder setLocalityWait(Duration localityWait) {
      this.localityWait = localityWait == null ? Duration.ZERO : localityWait;
      return this;
    }

    public Builder setReattachTimeout(Duration reattachTimeout) {
      this.reattachTimeout = reattachTimeout == null ? Duration.ZERO : reattachTimeout;
      return this;
    }

    /** Makes the session a re-attach offer (see {@link SessionOptions#reattach()}); null: not. */
    public Builder setReattach(ReattachOffer reattach) {
      this.reattach = reattach;
      return this;
    }

    public Builder setHeartbeatTimeout(Duration heartbeatTimeout) {
      this.heartbeatTimeout = heartbeatTimeout;
      return this;
    }

    public Builder setCreationTimeout(Duration creationTimeout) {
      this.creationTimeout = creationTimeout;
      return this;
    }

    public Builder setMaxSessionDuration(Duration maxSessionDuration) {
      this.maxSessionDuration = maxSessionDuration;
      return this;
    }

    /** Where workers poll for leases; leave unset to use the workflow's own task queue. */
    public Builder setLeaseTaskQueue(String leaseTaskQueue) {
      this.leaseTaskQueue = leaseTaskQueue;
      return this;
    }

    public Builder setAttempt(int attempt) {
      this.attempt = attempt;
      return this;
    }

    public Builder setAvoidWorkers(List<String> avoidWorkers) {
      this.avoidWorkers = avoidWorkers == null ? List.of() : avoidWorkers;
      return this;
    }

    /** Stage types the worker must have (sent in the lease request); empty: any worker. */
    public Builder setStageTypes(List<String> stageTypes) {
      this.stageTypes = stageTypes == null ? List.of() : stageTypes;
      return this;
    }

    /** The resource pool; null means {@link Pools#DEFAULT}. */
    public Builder setPool(String pool) {
      this.pool = Pools.orDefault(pool);
      return this;
    }

    public Builder setMaxDeclines(int maxDeclines) {
      this.maxDeclines = maxDeclines;
      return this;
    }

    /** Validates and builds; throws {@link IllegalArgumentException} naming the bad value. */
    public SessionOptions build() {
      requirePositive("heartbeatTimeout", heartbeatTimeout);
      requirePositive("creationTimeout", creationTimeout);
      requirePositive("maxSessionDuration", maxSessionDuration);
      if (reattachTimeout.isNegative()) {
        throw new IllegalArgumentException("reattachTimeout must be >= 0, was " + reattachTimeout);
      }
      if (attempt < 1) throw new IllegalArgumentException("attempt must be >= 1, was " + attempt);
      if (maxDeclines < 0) {
        throw new IllegalArgumentException("maxDeclines must be >= 0, was " + maxDeclines);
      }
      if (!Pools.isValid(pool)) throw new IllegalArgumentException(Pools.problem(pool));
      return new SessionOptions(this);
    }

    private static void requirePositive(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
    }
  }
}
