package dev.locality.api.spec;

import java.util.Map;

/**
 * One stage of a pipeline as written in the spec.
 *
 * @param type the stage type, also the Temporal activity type ({@code download}, ...)
 * @param options the stage's own options as parsed from the spec (strings, numbers, booleans, lists
 *     and maps); interpreted by the stage through its declared {@code OptionSpec}s
 * @param timeouts activity timeouts for this stage
 * @param maxAttempts attempts of this stage on the same worker before the failure counts against
 *     the session (transient errors retry in place)
 */
public record StageSpec(
    String type, Map<String, Object> options, StageTimeouts timeouts, int maxAttempts) {

  public static final int DEFAULT_MAX_ATTEMPTS = 3;
}
