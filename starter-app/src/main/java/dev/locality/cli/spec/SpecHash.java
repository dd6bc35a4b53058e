package dev.locality.cli.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.locality.api.spec.PipelineSpec;
import dev.locality.api.spec.SpecDocument;
import dev.locality.stage.Durations;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.Stage;
import dev.locality.stage.StageRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The identity of a resolved pipeline spec: the SHA-256 of its canonical JSON, which is what makes
 * {@code run --id} and {@code batch} idempotent per spec rather than per id alone.
 *
 * <p>The resolved spec is the validated spec after {@code --set} overrides, with relative {@code
 * file:} URLs made absolute and every default written out: the session settings, each stage's
 * timeouts and retry ({@link SpecDocument#of}) and, for stages the registry knows, each declared
 * option's default. Declared option values are converted to their type and written back in one
 * notation ({@code 10s} and {@code PT10S}, {@code 64m} and {@code 67108864}, {@code "a,b"} and
 * {@code [a, b]} hash alike). So two files that differ only in formatting (YAML or JSON, quoting,
 * whitespace, comments), in the order of the keys of the spec, its session, a stage or its
 * timeouts, or in writing a default out hash alike; any change of a value changes the hash. The
 * order <em>inside</em> an option's value is kept, lists and mappings alike: a stage may give it a
 * meaning ({@code derive} appends its columns in the order written).
 *
 * <p>Canonical JSON: no whitespace, strings and numbers as Jackson writes them, keys sorted by
 * UTF-16 code units at the levels named above and kept in their order inside option values.
 * Thread-safe.
 */
public final class SpecHash {
  /** Characters of the short form shown in messages and ids. */
  public static final int SHORT_LENGTH = 12;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final StageRegistry registry;

  /**
   * @param registry the stages whose option declarations normalize values and add defaults; null
   *     hashes stage options as written
   */
  public SpecHash(StageRegistry registry) {
    this.registry = registry;
  }

  /** The 64 lower-case hex digits of SHA-256 over {@link #canonicalJson} of {@code spec}. */
  public String of(PipelineSpec spec) {
    return sha256(canonicalJson(spec));
  }

  /** The canonical JSON of the resolved {@code spec} that {@link #of} hashes. */
  public String canonicalJson(PipelineSpec spec) {
    JsonNode document = SpecDocument.of(spec);
    for (JsonNode stage : document.path("stages")) normalizeOptions((ObjectNode) stage);
    StringBuilder out = new StringBuilder();
    document(document, out);
    return out.toString();
  }

  /** The first {@value #SHORT_LENGTH} hex digits of a hash (null stays null). */
  public static String shortForm(String sha256) {
    return sha256 == null || sha256.length() <= SHORT_LENGTH
        ? sha256
        : sha256.substring(0, SHORT_LENGTH);
  }

  /** Lower-case hex SHA-256 of {@code text} in UTF-8. */
  public static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private void normalizeOptions(ObjectNode stage) {
    if (registry == null) return;
    Optional<Stage> declared = registry.find(stage.path("type").asText());
    if (declared.isEmpty()) return;
    for (OptionSpec<?> option : declared.get().options()) {
      JsonNode raw = stage.get(option.name());
      Object typed;
      try {
        typed =
            raw == null || raw.isNull()
                ? option.defaultValue().orElse(null)
                : option.parse(JSON.convertValue(raw, Object.class));
      } catch (IllegalArgumentException e) {
        continue; // not valid (the spec was validated, so not expected): hashed as written
      }
      if (typed != null) stage.set(option.name(), toJson(typed));
    }
  }

  private static JsonNode toJson(Object typed) {
    if (typed instanceof Duration d) return JSON.getNodeFactory().textNode(Durations.format(d));
    return JSON.valueToTree(typed);
  }

  /** The document: its keys sorted, its session sorted throughout, each stage by {@link #stage}. */
  private static void document(JsonNode document, StringBuilder out) {
    object(
        document,
        true,
        out,
        (key, value) -> {
          if (key.equals("stages") && value.isArray()) {
            out.append('[');
            for (int i = 0; i < value.size(); i++) {
              if (i > 0) out.append(',');
              stage(value.get(i), out);
            }
            out.append(']');
          } else {
            value(value, key.equals("session"), out);
          }
        });
  }

  /** A stage: its keys sorted, its timeouts and retry sorted, option values as they are. */
  private static void stage(JsonNode stage, StringBuilder out) {
    if (!stage.isObject()) {
      value(stage, false, out);
      return;
    }
    object(
        stage,
        true,
        out,
        (key, value) -> value(value, key.equals("timeouts") || key.equals("retry"), out));
  }

  /** Any value; {@code sortKeys} sorts the keys of its objects at every depth. */
  private static void value(JsonNode node, boolean sortKeys, StringBuilder out) {
    if (node.isObject()) {
      object(node, sortKeys, out, (key, value) -> value(value, sortKeys, out));
    } else if (node.isArray()) {
      out.append('[');
      for (int i = 0; i < node.size(); i++) {
        if (i > 0) out.append(',');
        value(node.get(i), sortKeys, out);
      }
      out.append(']');
    } else {
      out.append(node.toString()); // a scalar as JSON
    }
  }

  private static void object(
      JsonNode node, boolean sortKeys, StringBuilder out, BiConsumer<String, JsonNode> member) {
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    if (sortKeys) keys.sort(null);
    out.append('{');
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) out.append(',');
      out.append(quote(keys.get(i))).append(':');
      member.accept(keys.get(i), node.get(keys.get(i)));
    }
    out.append('}');
  }

  private static String quote(String text) {
    try {
      return JSON.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
