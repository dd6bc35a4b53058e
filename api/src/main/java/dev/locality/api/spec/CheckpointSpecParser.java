package dev.locality.api.spec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the checkpoint settings of a spec into a {@link CheckpointSpec}: a stage's own {@code
 * checkpoint: <store>}, and the session's {@code checkpoint: <store>} with {@code checkpointAfter:
 * [stage types]} and {@code keepCheckpoints}. Every problem is added to the caller's list, naming
 * the key. Stateless.
 */
final class CheckpointSpecParser {
  static final String STAGE_KEY = "checkpoint";
  static final String SESSION_STORE = "checkpoint";
  static final String SESSION_AFTER = "checkpointAfter";
  static final String SESSION_KEEP = "keepCheckpoints";

  private static final String BUCKET = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";

  private CheckpointSpecParser() {}

  /**
   * @param session the raw session mapping (or null / not a mapping: then only stage keys count)
   * @param rawStages the raw stage list as written
   * @param stages the parsed stages, same order (their types name them in checkpointAfter)
   */
  static CheckpointSpec parse(
      Object session, Object rawStages, List<StageSpec> stages, List<Problem> problems) {
    Map<Integer, String> stores = new LinkedHashMap<>();
    boolean keep = false;
    if (rawStages instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        if (list.get(i) instanceof Map<?, ?> stage && stage.containsKey(STAGE_KEY)) {
          String type = i < stages.size() ? stages.get(i).type() : null;
          String store = store(stage.get(STAGE_KEY), problems, i, type, STAGE_KEY);
          if (store != null) stores.put(i, store);
        }
      }
    }
    if (session instanceof Map<?, ?> map) {
      Object rawStore = map.get(SESSION_STORE);
      String store =
          rawStore == null ? null : store(rawStore, problems, -1, null, "session." + SESSION_STORE);
      Object after = map.get(SESSION_AFTER);
      if (after != null) {
        List<Integer> named = after(after, stages, problems);
        if (rawStore == null) {
          problems.add(
              Problem.global(
                  "session." + SESSION_AFTER,
                  "needs session." + SESSION_STORE + ": the store URL (s3://bucket/prefix/)"));
        } else if (store != null) {
          for (int index : named) stores.putIfAbsent(index, store);
        }
      } else if (rawStore != null) {
        problems.add(
            Problem.global(
                "session." + SESSION_STORE,
                "names the store, but no stage is checkpointed: add session."
                    + SESSION_AFTER
                    + ": [stage types]"));
      }
      Object rawKeep = map.get(SESSION_KEEP);
      if (rawKeep instanceof Boolean b) {
        keep = b;
      } else if (rawKeep != null) {
        problems.add(
            Problem.global(
                "session." + SESSION_KEEP,
                "expected true or false, got '" + SpecParser.shorten(rawKeep) + "'"));
      }
    }
    return stores.isEmpty() && !keep ? CheckpointSpec.NONE : new CheckpointSpec(stores, keep);
  }

  /** The indexes of the stages checkpointAfter names by type (every stage of a named type). */
  private static List<Integer> after(Object raw, List<StageSpec> stages, List<Problem> problems) {
    String key = "session." + SESSION_AFTER;
    List<Integer> indexes = new ArrayList<>();
    if (!(raw instanceof List<?> names) || names.isEmpty()) {
      problems.add(
          Problem.global(key, "expected a non-empty list of stage types, like [download]"));
      return indexes;
    }
    for (Object name : names) {
      if (!(name instanceof String type)) {
        problems.add(
            Problem.global(
                key, "expected a stage type (text), got '" + SpecParser.shorten(name) + "'"));
        continue;
      }
      int before = indexes.size();
      for (int i = 0; i < stages.size(); i++) {
        if (type.equals(stages.get(i).type())) indexes.add(i);
      }
      if (indexes.size() == before) {
        problems.add(
            Problem.global(
                key,
                "'"
                    + SpecParser.shorten(type)
                    + "' is not a stage of this pipeline (its stages: "
                    + String.join(", ", stages.stream().map(StageSpec::type).toList())
                    + ")"));
      }
    }
    return indexes;
  }

  /** The store URL normalised to end with '/', or null after adding a problem. */
  static String store(Object raw, List<Problem> problems, int index, String type, String key) {
    String problem;
    String normalised = null;
    if (!(raw instanceof String text) || text.isBlank()) {
      problem =
          "expected a store URL (s3://bucket/prefix/ or file:///dir/), got '"
              + SpecParser.shorten(raw)
              + "'";
    } else {
      String url = text.trim();
      if (!url.endsWith("/")) url = url + "/";
      problem = storeProblem(url);
      normalised = url;
    }
    if (problem == null) return normalised;
    problems.add(
        index < 0 ? Problem.global(key, problem) : Problem.stage(index, type, key, problem));
    return null;
  }

  /** What is wrong with a store URL that ends in '/', or null. */
  static String storeProblem(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return "'" + SpecParser.shorten(url) + "' is not a URL: " + e.getReason();
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getQuery() != null || uri.getFragment() != null || uri.getUserInfo() != null) {
      return "'" + SpecParser.shorten(url) + "' must not have a query, fragment or user";
    }
    switch (scheme) {
      case "s3":
        String bucket = uri.getHost();
        if (bucket == null || !bucket.matches(BUCKET)) {
          return "'"
              + SpecParser.shorten(url)
              + "' needs a valid bucket name (3-63 lower-case letters, digits, '.', '-'):"
              + " s3://bucket/prefix/";
        }
        if (uri.getPath().contains("//") || uri.getPath().contains("/../")) {
          return "'" + SpecParser.shorten(url) + "' has an empty or '..' path segment";
        }
        return null;
      case "file":
        String path = uri.getPath();
        if (uri.getHost() != null || path == null || !path.startsWith("/")) {
          return "'" + SpecParser.shorten(url) + "' must be an absolute file:///dir/ URL";
        }
        if (path.contains("/../") || path.contains("/./")) {
          return "'" + SpecParser.shorten(url) + "' must not contain '.' or '..' segments";
        }
        return null;
      default:
        return "'"
            + SpecParser.shorten(url)
            + "' is not a checkpoint store: use s3://bucket/prefix/ (or file:///dir/)";
    }
  }
}
