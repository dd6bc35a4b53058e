package dev.locality.stage;

/**
 * Loads one shared resource for {@link StageResources#acquire}: runs at most once at a time per key
 * on a worker, on the thread of the stage that asked first.
 *
 * @param <T> the resource's type
 */
@FunctionalInterface
public interface ResourceLoader<T> {
  /**
   * Loads the resource. Heartbeats while it works (through the stage's {@link StageContext}), like
   * any other long piece of stage work.
   *
   * @return the value with its weight and how to close it; never null
   * @throws BadInputException when the source is unusable (not cached; the stage fails as usual)
   * @throws Exception anything else: transient, not cached
   */
  LoadedResource<T> load() throws Exception;
}
