package dev.locality.api.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.locality.api.session.Pools;
import dev.locality.stage.Durations;
import dev.locality.stage.StageRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a pipeline spec (YAML or JSON) into a {@link PipelineSpec} and validates it completely:
 * structure, session settings, stage types and every stage's options against the stage's declared
 * options. All problems are collected and thrown together in one {@link InvalidSpecException}.
 * Thread-safe.
 */
public final class SpecParser {
  private static final Set<String> TOP_KEYS = Set.of("name", "session", "stages");
  private static final Set<String> SESSION_KEYS =
      Set.of(
          "heartbeatTimeout",
          "creationTimeout",
          "maxWorkerAttempts",
          "failoverBackoff",
          "pool",
          "reattachTimeout",
          CheckpointSpecParser.SESSION_STORE,
          CheckpointSpecParser.SESSION_AFTER,
          CheckpointSpecParser.SESSION_KEEP,
          "localityWait");
  private static final Set<String> TIMEOUT_KEYS =
      Set.of("startToClose", "heartbeat", "scheduleToStart");
  private static final Set<String> STAGE_KEYS =
      Set.of("type", "timeouts", "retry", CheckpointSpecParser.STAGE_KEY);
  private static final String NAME_PATTERN = "[a-z0-9-]{1,63}";

  private final ObjectMapper yaml;
  private final StageRegistry registry;

  /**
   * @param registry the stages whose options are checked; every stage type must be in it
   */
  public SpecParser(StageRegistry registry) {
    this.registry = java.util.Objects.requireNonNull(registry, "registry");
    this.yaml = newYamlMapper();
  }

  private SpecParser() {
    this.registry = null; // stage types and options are left to the workers
    this.yaml = newYamlMapper();
  }

  private static ObjectMapper newYamlMapper() {
    ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
    mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    return mapper;
  }

  /**
   * A parser that checks everything but the stages' own options and types (those are checked by the
   * worker that runs each stage): for hosts that do not know the stages, such as workflow tests
   * with fake stages.
   */
  public static SpecParser structureOnly() {
    return new SpecParser();
  }

  /**
   * Parses and validates a spec file. Relative {@code file:} URLs in stage options ({@code
   * file:data/in.csv.gz}, without a leading slash) are resolved against the spec file's directory
   * before validation, so a spec and its data can travel together.
   */
  public PipelineSpec parse(Path file) throws IOException {
    return fromTree(readFile(file), file.toString());
  }

  /**
   * Reads a spec file into a mutable tree (maps, lists, scalars) without validating it, with
   * relative {@code file:} URLs already resolved as {@link #parse(Path)} does. For callers that
   * edit the tree (command-line overrides) before {@link #fromTree}.
   *
   * @throws InvalidSpecException when the file is not valid YAML/JSON
   */
  public Object readFile(Path file) throws IOException {
    Object tree = readTree(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    Path base = file.toAbsolutePath().normalize().getParent();
    if (tree instanceof Map<?, ?> top && top.get("stages") instanceof List<?> stages) {
      for (Object stage : stages) {
        if (stage instanceof Map<?, ?> options) resolveRelativeFileUrls(options, base);
      }
    }
    return tree;
  }

  /** Makes relative {@code file:} URLs in a stage's options (also inside lists) absolute. */
  @SuppressWarnings("unchecked")
  private static void resolveRelativeFileUrls(Map<?, ?> stage, Path base) {
    ((Map<Object, Object>) stage)
        .replaceAll(
            (key, value) ->
                STAGE_KEYS.contains(String.valueOf(key)) ? value : resolveFileUrl(value, base));
  }

  private static Object resolveFileUrl(Object value, Path base) {
    if (value instanceof List<?> list) {
      return list.stream()
          .map(v -> resolveFileUrl(v, base))
          .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    }
    if (value instanceof String s
        && s.startsWith("file:")
        && !s.startsWith("file:/")
        && s.length() > 5) {
      return "file://" + base.resolve(s.substring("file:".length())).normalize();
    }
    return value;
  }

  /**
   * Parses and validates spec text (YAML; JSON is valid YAML).
   *
   * @param source a name for messages (a file name), or null
   * @throws InvalidSpecException listing every problem found
   */
  public PipelineSpec parse(String text, String source) {
    return fromTree(readTree(text, source), source);
  }

  private Object readTree(String text, String source) {
    try {
      return yaml.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new InvalidSpecException(
          source,
          List.of(
              Problem.global(
                  "(syntax)", "not valid YAML/JSON" + where + ": " + e.getOriginalMessage())));
    }
  }

  /** Validates an already-parsed tree (maps, lists, scalars) such as one a program built. */
  public PipelineSpec fromTree(Object tree, String source) {
    List<Problem> problems = new ArrayList<>();
    if (!(tree instanceof Map<?, ?> top)) {
      throw new InvalidSpecException(
          source,
          List.of(
              Problem.global(
                  "(document)", "the spec must be a mapping with name, session and stages")));
    }
    for (Object key : top.keySet()) {
      if (!TOP_KEYS.contains(String.valueOf(key)))
        problems.add(Problem.global(shorten(key), "unknown key (allowed: name, session, stages)"));
    }
    String name = parseName(top.get("name"), problems);
    SessionSpec session = parseSession(top.get("session"), problems);
    List<StageSpec> stages = parseStages(top.get("stages"), problems);
    CheckpointSpec checkpoints =
        CheckpointSpecParser.parse(top.get("session"), top.get("stages"), stages, problems);
    if (checkpoints.any() || checkpoints.keep()) session = session.withCheckpoints(checkpoints);
    PipelineSpec spec = new PipelineSpec(name, session, stages);
    if (registry != null) problems.addAll(new SpecValidator(registry).validateStages(spec));
    if (!problems.isEmpty()) throw new InvalidSpecException(source, problems);
    return spec;
  }

  private static String parseName(Object raw, List<Problem> problems) {
    if (raw == null) {
      problems.add(
          Problem.global("name", "required: the pipeline's name, matching " + NAME_PATTERN));
      return null;
    }
    String name = String.valueOf(raw);
    if (!(raw instanceof String) || !name.matches(NAME_PATTERN))
      problems.add(Problem.global("name", "'" + shorten(name) + "' must match " + NAME_PATTERN));
    return name;
  }

  private static SessionSpec parseSession(Object raw, List<Problem> problems) {
    SessionSpec d = SessionSpec.DEFAULTS;
    if (raw == null) return d;
    if (!(raw instanceof Map<?, ?> map)) {
      problems.add(Problem.global("session", "expected a mapping"));
      return d;
    }
    unknownKeys(map, SESSION_KEYS, problems, -1, null, "session.");
    Duration hb =
        duration(
            map.get("heartbeatTimeout"),
            d.heartbeatTimeout(),
            problems,
            -1,
            null,
            "session.heartbeatTimeout");
    Duration ct =
        duration(
            map.get("creationTimeout"),
            d.creationTimeout(),
            problems,
            -1,
            null,
            "session.creationTimeout");
    Duration fb =
        duration(
            map.get("failoverBackoff"),
            d.failoverBackoff(),
            problems,
            -1,
            null,
            "session.failoverBackoff");
    int attempts =
        integer(
            map.get("maxWorkerAttempts"),
            d.maxWorkerAttempts(),
            1,
            100,
            problems,
            -1,
            null,
            "session.maxWorkerAttempts");
    if (hb.compareTo(Duration.ofSeconds(1)) < 0)
      problems.add(Problem.global("session.heartbeatTimeout", "must be at least 1s"));
    if (ct.isZero() || ct.isNegative())
      problems.add(Problem.global("session.creationTimeout", "must be positive"));
    Duration rt =
        duration(
            map.get("reattachTimeout"),
            d.reattachWindow(),
            problems,
            -1,
            null,
            "session.reattachTimeout");
    if (fb.isNegative())
      problems.add(Problem.global("session.failoverBackoff", "must not be negative"));
    if (rt.isNegative())
      problems.add(Problem.global("session.reattachTimeout", "must not be negative (0 = off)"));
    Duration lw = null;
    if (map.get("localityWait") != null) {
      lw =
          duration(
              map.get("localityWait"),
              SessionSpec.DEFAULT_LOCALITY_WAIT,
              problems,
              -1,
              null,
              "session.localityWait");
      if (lw.isNegative())
        problems.add(Problem.global("session.localityWait", "must not be negative (0 = off)"));
    }
    return new SessionSpec(hb, ct, attempts, fb, pool(map.get("pool"), problems), rt, lw);
  }

  /** The session's pool name, null when not given; problems for anything but a valid name. */
  private static String pool(Object raw, List<Problem> problems) {
    if (raw == null) return null;
    if (!(raw instanceof String name)) {
      problems.add(
          Problem.global(
              "session.pool", "expected a pool name (text), got '" + shorten(raw) + "'"));
      return null;
    }
    String problem = Pools.problem(name);
    if (problem != null) {
      problems.add(Problem.global("session.pool", problem));
      return null;
    }
    return name;
  }

  private static List<StageSpec> parseStages(Object raw, List<Problem> problems) {
    if (raw == null) {
      problems.add(Problem.global("stages", "required: a list of at least one stage"));
      return List.of();
    }
    if (!(raw instanceof List<?> list) || list.isEmpty()) {
      problems.add(Problem.global("stages", "expected a non-empty list of stages"));
      return List.of();
    }
    List<StageSpec> stages = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      stages.add(parseStage(i, list.get(i), problems));
    }
    return stages;
  }

  private static StageSpec parseStage(int index, Object raw, List<Problem> problems) {
    if (!(raw instanceof Map<?, ?> map)) {
      problems.add(Problem.stage(index, null, "", "expected a mapping with at least 'type'"));
      return new StageSpec(null, Map.of(), StageTimeouts.DEFAULTS, StageSpec.DEFAULT_MAX_ATTEMPTS);
    }
    Object typeRaw = map.get("type");
    String type = typeRaw instanceof String s ? s : null;
    if (typeRaw == null)
      problems.add(Problem.stage(index, null, "type", "required: the stage type"));
    else if (type == null)
      problems.add(
          Problem.stage(
              index,
              null,
              "type",
              "expected the stage type as a string, got '" + shorten(typeRaw) + "'"));
    Map<String, Object> options = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (!STAGE_KEYS.contains(key)) options.put(key, e.getValue());
    }
    StageTimeouts timeouts = parseTimeouts(index, type, map.get("timeouts"), problems);
    int maxAttempts = StageSpec.DEFAULT_MAX_ATTEMPTS;
    Object retry = map.get("retry");
    if (retry instanceof Map<?, ?> retryMap) {
      unknownKeys(retryMap, Set.of("maxAttempts"), problems, index, type, "retry.");
      maxAttempts =
          integer(
              retryMap.get("maxAttempts"),
              maxAttempts,
              1,
              100,
              problems,
              index,
              type,
              "retry.maxAttempts");
    } else if (retry != null) {
      problems.add(Problem.stage(index, type, "retry", "expected a mapping like {maxAttempts: 3}"));
    }
    return new StageSpec(type, options, timeouts, maxAttempts);
  }

  private static StageTimeouts parseTimeouts(
      int index, String type, Object raw, List<Problem> problems) {
    StageTimeouts d = StageTimeouts.DEFAULTS;
    if (raw == null) return d;
    if (!(raw instanceof Map<?, ?> map)) {
      problems.add(
          Problem.stage(
              index,
              type,
              "timeouts",
              "expected a mapping like {startToClose: 30m, heartbeat: 30s, scheduleToStart: 1m}"));
      return d;
    }
    unknownKeys(map, TIMEOUT_KEYS, problems, index, type, "timeouts.");
    StageTimeouts t =
        new StageTimeouts(
            duration(
                map.get("startToClose"),
                d.startToClose(),
                problems,
                index,
                type,
                "timeouts.startToClose"),
            duration(
                map.get("heartbeat"), d.heartbeat(), problems, index, type, "timeouts.heartbeat"),
            duration(
                map.get("scheduleToStart"),
                d.scheduleToStart(),
                problems,
                index,
                type,
                "timeouts.scheduleToStart"));
    if (t.heartbeat().compareTo(Duration.ofSeconds(1)) < 0)
      problems.add(Problem.stage(index, type, "timeouts.heartbeat", "must be at least 1s"));
    if (t.scheduleToStart().compareTo(Duration.ofSeconds(1)) < 0)
      problems.add(Problem.stage(index, type, "timeouts.scheduleToStart", "must be at least 1s"));
    if (t.startToClose().compareTo(t.heartbeat()) < 0)
      problems.add(
          Problem.stage(
              index, type, "timeouts.startToClose", "must not be shorter than timeouts.heartbeat"));
    return t;
  }

  private static void unknownKeys(
      Map<?, ?> map,
      Set<String> allowed,
      List<Problem> problems,
      int index,
      String type,
      String prefix) {
    for (Object key : map.keySet()) {
      if (!allowed.contains(String.valueOf(key))) {
        String message =
            "unknown key (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")";
        problems.add(
            index < 0
                ? Problem.global(prefix + shorten(key), message)
                : Problem.stage(index, type, prefix + shorten(key), message));
      }
    }
  }

  private static Duration duration(
      Object raw, Duration fallback, List<Problem> problems, int index, String type, String key) {
    if (raw == null) return fallback;
    try {
      if (!(raw instanceof String s))
        throw new IllegalArgumentException(
            "'" + shorten(raw) + "' is not a duration (use 500ms, 10s, 5m, 1h or PT10S)");
      return Durations.parse(s);
    } catch (IllegalArgumentException e) {
      problems.add(
          index < 0
              ? Problem.global(key, e.getMessage())
              : Problem.stage(index, type, key, e.getMessage()));
      return fallback;
    }
  }

  private static int integer(
      Object raw,
      int fallback,
      int min,
      int max,
      List<Problem> problems,
      int index,
      String type,
      String key) {
    if (raw == null) return fallback;
    String message = null;
    int value = fallback;
    if (raw instanceof Integer i) {
      value = i;
      if (i < min || i > max) message = "must be between " + min + " and " + max + ", got " + i;
    } else {
      message =
          "expected an integer between " + min + " and " + max + ", got '" + shorten(raw) + "'";
    }
    if (message != null)
      problems.add(
          index < 0 ? Problem.global(key, message) : Problem.stage(index, type, key, message));
    return message == null ? value : fallback;
  }

  /** A value echoed in a message, cut to a readable length (a spec may hold huge strings). */
  static String shorten(Object value) {
    return Durations.shorten(value);
  }
}
