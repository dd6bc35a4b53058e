package dev.locality.api.session;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Which workers hold a URL in their download cache: asked by the pipeline workflow (as a local
 * activity, so on the worker running the workflow) before it opens the first session of a pipeline
 * whose first stage is a cached download (delay scheduling). The answer comes from the worker
 * registry ({@code locality workers}), where every worker reports hashes of the URLs it holds.
 */
@ActivityInterface
public interface LocalityHints {
  /**
   * The ids of the live workers (reporting, not stopping) of {@code pool} on {@code sharedQueue}
   * whose cache holds {@code urlHash}, those with a free slot in the pool first; empty when none
   * does or the registry cannot be asked.
   */
  @ActivityMethod(name = "locality-holders")
  List<String> holders(String sharedQueue, String pool, String urlHash);
}
