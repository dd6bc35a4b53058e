package dev.locality.stage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The type of a stage option and how a raw spec value (as parsed from YAML or JSON) converts to it.
 * Conversion throws {@link IllegalArgumentException} with a message naming the expected type.
 *
 * @param <T> the Java type the stage reads
 */
public interface OptionType<T> {
  /** Name shown in docs and errors: {@code string}, {@code integer}, {@code list<string>}, ... */
  String name();

  T convert(Object raw);

  OptionType<String> STRING =
      simple(
          "string",
          raw -> {
            if (raw instanceof String s) return s;
            if (raw instanceof Number || raw instanceof Boolean) return raw.toString();
            throw new IllegalArgumentException("expected a string, got " + describe(raw));
          });

  OptionType<Long> INTEGER =
      simple(
          "integer",
          raw -> {
            if (raw instanceof Integer || raw instanceof Long || raw instanceof Short)
              return ((Number) raw).longValue();
            if (raw instanceof String s && s.trim().matches("-?\\d+"))
              return Long.parseLong(s.trim());
            throw new IllegalArgumentException("expected an integer, got " + describe(raw));
          });

  OptionType<Double> NUMBER =
      simple(
          "number",
          raw -> {
            if (raw instanceof Number n) return n.doubleValue();
            if (raw instanceof String s) {
              try {
                return Double.parseDouble(s.trim());
              } catch (NumberFormatException e) {
                // fall through to the error below
              }
            }
            throw new IllegalArgumentException("expected a number, got " + describe(raw));
          });

  OptionType<Boolean> BOOLEAN =
      simple(
          "boolean",
          raw -> {
            if (raw instanceof Boolean b) return b;
            if (raw instanceof String s && s.trim().equalsIgnoreCase("true")) return true;
            if (raw instanceof String s && s.trim().equalsIgnoreCase("false")) return false;
            throw new IllegalArgumentException("expected true or false, got " + describe(raw));
          });

  OptionType<Duration> DURATION =
      simple(
          "duration",
          raw -> {
            if (raw instanceof String s) return Durations.parse(s);
            throw new IllegalArgumentException(
                "expected a duration like 10s or 5m, got " + describe(raw));
          });

  OptionType<List<String>> STRING_LIST =
      simple(
          "list<string>",
          raw -> {
            if (raw instanceof String s) return List.of(s);
            if (!(raw instanceof List<?> list))
              throw new IllegalArgumentException(
                  "expected a list of strings, got " + describe(raw));
            List<String> out = new ArrayList<>();
            for (Object item : list) {
              if (!(item instanceof String || item instanceof Number || item instanceof Boolean))
                throw new IllegalArgumentException(
                    "expected a list of strings, but an item is " + describe(item));
              out.add(item.toString());
            }
            return List.copyOf(out);
          });

  OptionType<Map<String, String>> STRING_MAP =
      simple(
          "map<string,string>",
          raw -> {
            if (!(raw instanceof Map<?, ?> map))
              throw new IllegalArgumentException(
                  "expected a mapping of strings to strings, got " + describe(raw));
            Map<String, String> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
              Object v = e.getValue();
              if (!(v instanceof String || v instanceof Number || v instanceof Boolean))
                throw new IllegalArgumentException(
                    "expected string values, but '" + e.getKey() + "' is " + describe(v));
              out.put(String.valueOf(e.getKey()), v.toString());
            }
            return java.util.Collections.unmodifiableMap(out);
          });

  /**
   * A size in bytes: a whole number, or text like {@code 64m}, {@code 16MiB}, {@code 100g} (powers
   * of 1024, see {@link ByteSizes}).
   */
  OptionType<Long> SIZE =
      simple(
          "size",
          raw -> {
            if (raw instanceof Integer || raw instanceof Long || raw instanceof Short)
              return ((Number) raw).longValue();
            if (raw instanceof String s) return ByteSizes.parse(s);
            throw new IllegalArgumentException("expected a size like 64m, got " + describe(raw));
          });

  /**
   * A list of strings written as one comma-separated string (how worker settings arrive from flags
   * and environment variables) or as a list; items are trimmed and empty items dropped.
   */
  OptionType<List<String>> COMMA_LIST =
      simple(
          "list<string>",
          raw -> {
            if (raw instanceof String s) {
              List<String> out = new ArrayList<>();
              for (String item : s.split(",")) if (!item.isBlank()) out.add(item.trim());
              return List.copyOf(out);
            }
            return STRING_LIST.convert(raw);
          });

  /** Creates a type from a name and a conversion function. */
  static <T> OptionType<T> simple(String name, java.util.function.Function<Object, T> convert) {
    return new OptionType<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public T convert(Object raw) {
        return convert.apply(raw);
      }

      @Override
      public String toString() {
        return name;
      }
    };
  }

  /** Describes a raw value for error messages: {@code a list}, {@code the number 3}, ... */
  static String describe(Object raw) {
    if (raw == null) return "nothing (null)";
    if (raw instanceof List<?>) return "a list";
    if (raw instanceof Map<?, ?>) return "a mapping";
    if (raw instanceof String s) return "the string '" + s + "'";
    if (raw instanceof Boolean) return "the boolean " + raw;
    return "the number " + raw;
  }
}
