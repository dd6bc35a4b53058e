package dev.locality.stage;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Declares one option of a stage: its name, meaning, type, default, allowed values and checks.
 * Stages keep their options as constants and read them through {@link StageConfig#get}. Immutable
 * and thread-safe.
 *
 * <pre>{@code
 * static final OptionSpec<String> URL =
 *     OptionSpec.builder("url", OptionType.STRING)
 *         .description("Where to download from: http(s) or file URL")
 *         .required()
 *         .build();
 * }</pre>
 *
 * @param <T> the type a stage reads
 */
public final class OptionSpec<T> {
  private final String name;
  private final String description;
  private final OptionType<T> type;
  private final boolean required;
  private final T defaultValue;
  private final List<String> allowedValues;
  private final Function<T, String> validator;

  private OptionSpec(Builder<T> b) {
    this.name = b.name;
    this.description = b.description;
    this.type = b.type;
    this.required = b.required;
    this.defaultValue = b.defaultValue;
    this.allowedValues = List.copyOf(b.allowedValues);
    this.validator = b.validator;
  }

  public static <T> Builder<T> builder(String name, OptionType<T> type) {
    return new Builder<>(name, type);
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  public OptionType<T> type() {
    return type;
  }

  public boolean required() {
    return required;
  }

  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  /** Allowed values (compared as strings); empty means any value of the type. */
  public List<String> allowedValues() {
    return allowedValues;
  }

  /**
   * Converts and checks a raw spec value.
   *
   * @return the typed value
   * @throws IllegalArgumentException with a message fit for a {@code Problem}
   */
  public T parse(Object raw) {
    T value = type.convert(raw);
    if (!allowedValues.isEmpty() && !allowedValues.contains(String.valueOf(value))) {
      throw new IllegalArgumentException(
          "'" + value + "' is not one of " + String.join(", ", allowedValues));
    }
    if (validator != null) {
      String problem = validator.apply(value);
      if (problem != null) throw new IllegalArgumentException(problem);
    }
    return value;
  }

  @Override
  public String toString() {
    return name + " (" + type.name() + ")";
  }

  /** Builds an {@link OptionSpec}; {@link #build()} rejects inconsistent declarations. */
  public static final class Builder<T> {
    private final String name;
    private final OptionType<T> type;
    private String description = "";
    private boolean required;
    private T defaultValue;
    private List<String> allowedValues = List.of();
    private Function<T, String> validator;

    private Builder(String name, OptionType<T> type) {
      this.name = Objects.requireNonNull(name, "name");
      this.type = Objects.requireNonNull(type, "type");
    }

    public Builder<T> description(String description) {
      this.description = description;
      return this;
    }

    public Builder<T> required() {
      this.required = true;
      return this;
    }

    public Builder<T> defaultValue(T value) {
      this.defaultValue = value;
      return this;
    }

    public Builder<T> allowedValues(String... values) {
      this.allowedValues = List.of(values);
      return this;
    }

    /** A check returning null when the value is fine, else a message saying what is wrong. */
    public Builder<T> validator(Function<T, String> validator) {
      this.validator = validator;
      return this;
    }

    public OptionSpec<T> build() {
      if (!name.matches("[a-zA-Z][a-zA-Z0-9_-]*"))
        throw new IllegalStateException("option name '" + name + "' is not a simple identifier");
      if (required && defaultValue != null)
        throw new IllegalStateException("option '" + name + "' is required and has a default");
      if (description.isBlank())
        throw new IllegalStateException("option '" + name + "' needs a description");
      return new OptionSpec<>(this);
    }
  }
}
