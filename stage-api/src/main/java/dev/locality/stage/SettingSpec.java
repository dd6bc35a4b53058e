package dev.locality.stage;

import java.util.Objects;
import java.util.function.Function;

/**
 * Declares one worker setting a stage reads: a value ops set on the worker ({@code locality worker
 * --setting name=value}, the config file's {@code settings:} or {@code LOCALITY_SETTING_<name>}),
 * the same for every pipeline the worker runs — a limit, an endpoint, an allow-list. Spec authors
 * cannot change it; that is the difference from an {@link OptionSpec}.
 *
 * <p>Stages return their settings from {@link Stage#settings()} and read them with {@link
 * StageContext#setting}. The worker checks every configured value against the declarations of every
 * stage it loaded when it starts (a bad value or an unknown name stops it with the list of known
 * names), and {@code locality worker --help} and {@code locality stages} list them. Two stages may
 * declare the same setting (the S3 endpoint) by sharing one constant. Immutable and thread-safe.
 *
 * <pre>{@code
 * static final SettingSpec<Long> MAX_BYTES =
 *     SettingSpec.builder("maxDownloadBytes", OptionType.SIZE)
 *         .description("largest download")
 *         .defaultValue(100L << 30)
 *         .build();
 * }</pre>
 *
 * @param <T> the type a stage reads
 */
public final class SettingSpec<T> {
  private final String name;
  private final String description;
  private final OptionType<T> type;
  private final T defaultValue;
  private final String defaultText;
  private final Function<T, String> validator;

  private SettingSpec(Builder<T> b) {
    this.name = b.name;
    this.description = b.description;
    this.type = b.type;
    this.defaultValue = b.defaultValue;
    this.defaultText = b.defaultText != null ? b.defaultText : String.valueOf(b.defaultValue);
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

  /** The value when the worker does not set it; never null. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The default as docs show it ({@code 100g}, {@code none}, {@code AWS}). */
  public String defaultText() {
    return defaultText;
  }

  /**
   * Converts and checks a configured value.
   *
   * @throws IllegalArgumentException with a message naming what is wrong (not the setting's name:
   *     the caller adds it)
   */
  public T parse(String raw) {
    T value = type.convert(raw);
    if (validator != null) {
      String problem = validator.apply(value);
      if (problem != null) throw new IllegalArgumentException(problem);
    }
    return value;
  }

  /** Whether two declarations describe the same setting (same name, type and default). */
  public boolean sameAs(SettingSpec<?> other) {
    return name.equals(other.name)
        && type.name().equals(other.type.name())
        && defaultValue.equals(other.defaultValue);
  }

  @Override
  public String toString() {
    return name + " (" + type.name() + ", default " + defaultText + ")";
  }

  /** Builds a {@link SettingSpec}; {@link #build()} rejects inconsistent declarations. */
  public static final class Builder<T> {
    private final String name;
    private final OptionType<T> type;
    private String description = "";
    private T defaultValue;
    private String defaultText;
    private Function<T, String> validator;

    private Builder(String name, OptionType<T> type) {
      this.name = Objects.requireNonNull(name, "name");
      this.type = Objects.requireNonNull(type, "type");
    }

    public Builder<T> description(String description) {
      this.description = description;
      return this;
    }

    /** The value when unset; required (use an empty string or list for "none"). */
    public Builder<T> defaultValue(T value) {
      this.defaultValue = value;
      return this;
    }

    /** How docs show the default when its plain value says little ({@code ""} → {@code AWS}). */
    public Builder<T> defaultText(String text) {
      this.defaultText = text;
      return this;
    }

    /** A check returning null when the value is fine, else a message saying what is wrong. */
    public Builder<T> validator(Function<T, String> validator) {
      this.validator = validator;
      return this;
    }

    public SettingSpec<T> build() {
      if (!name.matches("[a-zA-Z][a-zA-Z0-9_.-]*"))
        throw new IllegalStateException("setting name '" + name + "' is not a simple identifier");
      if (description.isBlank())
        throw new IllegalStateException("setting '" + name + "' needs a description");
      if (defaultValue == null)
        throw new IllegalStateException("setting '" + name + "' needs a default value");
      SettingSpec<T> spec = new SettingSpec<>(this);
      if (validator != null && validator.apply(defaultValue) != null)
        throw new IllegalStateException(
            "setting '" + name + "': the default is invalid: " + validator.apply(defaultValue));
      return spec;
    }
  }
}
