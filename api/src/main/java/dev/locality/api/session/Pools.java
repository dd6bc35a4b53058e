package dev.locality.api.session;

import java.util.regex.Pattern;

/**
 * Resource pool names, shared by the spec ({@code session: {pool: gpu}}), the worker ({@code --pool
 * gpu=1}) and the task queue naming ({@link TaskQueues#leaseQueue}). A pool is a named set of
 * workers: a pipeline's session opens only on a worker of its pool. Stateless.
 */
public final class Pools {
  /** The pool of pipelines that name none and of workers given no {@code --pool}. */
  public static final String DEFAULT = "default";

  /** Lowercase letters, digits, '-' and '_', starting with a letter or digit; 1 to 63 long. */
  public static final String NAME_PATTERN = "[a-z0-9][a-z0-9_-]{0,62}";

  private static final Pattern NAME = Pattern.compile(NAME_PATTERN);

  private Pools() {}

  /** Whether {@code name} is a valid pool name. */
  public static boolean isValid(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Why {@code name} is not a valid pool name, or null when it is. The sentence names the value and
   * the rule, e.g. {@code 'GPU' is not a pool name: use lowercase letters, digits, '-' and '_'}.
   */
  public static String problem(String name) {
    if (isValid(name)) return null;
    if (name == null || name.isEmpty()) return "the pool name must not be empty";
    String shown = name.length() > 70 ? name.substring(0, 67) + "..." : name;
    return "'"
        + shown
        + "' is not a pool name: use 1 to 63 lowercase letters, digits, '-' and '_',"
        + " starting with a letter or digit";
  }

  /** {@code name}, or {@link #DEFAULT} when null. */
  public static String orDefault(String name) {
    return name == null ? DEFAULT : name;
  }
}
