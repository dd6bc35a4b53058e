package dev.locality.activities.dispatch;

import dev.locality.stage.Progress;
import dev.locality.stage.runtime.HeartbeatChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Holds back an attempt's heartbeats during its first {@link #DELAY}: a stage that finishes sooner
 * (a small pipeline's every stage) sends none over the network. Temporal's SDK sends an activity's
 * first heartbeat at once and throttles only later ones, so every stage cost one heartbeat call at
 * its start; on the Java test server a heartbeat that arrives while the pipeline has a workflow
 * task in flight also costs one more, empty, workflow task.
 *
 * <p>Nothing the stage relies on is lost: no cancellation can be known before a heartbeat was sent
 * (the SDK learns of it from heartbeat responses), the delay is at most a fifth of the heartbeat
 * timeout, and the session fence is checked on every call by the channel around this one. What a
 * held heartbeat carried is only progress: an attempt that fails within the delay leaves its retry
 * no previous progress (a retry's attempt number says it is one).
 *
 * <p>One per attempt, called on the attempt's thread: not thread-safe.
 */
final class FirstHeartbeatDelay implements HeartbeatChannel {
  /** The SDK's heartbeat throttle on workers ({@code LocalityWorker.MAX_HEARTBEAT_THROTTLE}). */
  static final Duration DELAY = Duration.ofMillis(500);

  private final HeartbeatChannel channel;
  private final LongSupplier nanoTime;
  private final long sendFrom;

  /**
   * @param nanoTime the clock ({@link System#nanoTime} on workers)
   */
  FirstHeartbeatDelay(HeartbeatChannel channel, Duration delay, LongSupplier nanoTime) {
    this.channel = channel;
    this.nanoTime = nanoTime;
    this.sendFrom = nanoTime.getAsLong() + delay.toNanos();
  }

  /**
   * Holds back heartbeats for {@link #DELAY}, or for a fifth of {@code heartbeatTimeout} when that
   * is shorter (so the held heartbeats can never let the attempt time out).
   *
   * @param heartbeatTimeout the activity's heartbeat timeout, zero or null for none
   */
  static FirstHeartbeatDelay of(HeartbeatChannel channel, Duration heartbeatTimeout) {
    return new FirstHeartbeatDelay(channel, delay(heartbeatTimeout), System::nanoTime);
  }

  static Duration delay(Duration heartbeatTimeout) {
    if (heartbeatTimeout == null || heartbeatTimeout.isZero()) return DELAY;
    Duration fifth = heartbeatTimeout.dividedBy(5);
    return fifth.compareTo(DELAY) < 0 ? fifth : DELAY;
  }

  @Override
  public void heartbeat(Progress progress) {
    if (nanoTime.getAsLong() - sendFrom >= 0) channel.heartbeat(progress);
  }

  @Override
  public Optional<Progress> previous() {
    return channel.previous();
  }
}
