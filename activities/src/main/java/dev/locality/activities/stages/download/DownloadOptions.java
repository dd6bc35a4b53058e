package dev.locality.activities.stages.download;

import dev.locality.activities.stages.internal.AllowedFileRoots;
import dev.locality.activities.stages.internal.Sha256;
import dev.locality.activities.stages.net.HostPolicy;
import dev.locality.activities.stages.s3.S3Settings;
import dev.locality.stage.OptionSpec;
import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The options of the {@code download} stage and the worker settings it reads. */
public final class DownloadOptions {
  private DownloadOptions() {}

  public static final OptionSpec<String> URL =
      OptionSpec.builder("url", OptionType.STRING)
          .description("Where to fetch the file: an http, https, file:/// or s3://bucket/key URL")
          .required()
          .build();

  public static final OptionSpec<String> SHA256 =
      OptionSpec.builder("sha256", OptionType.STRING)
          .description("Expected SHA-256 of the file (64 hex digits); a mismatch fails the stage")
          .validator(v -> Sha256.isHex(v) ? null : "expected 64 hex digits, got '" + v + "'")
          .build();

  public static final OptionSpec<Duration> IDLE_TIMEOUT =
      OptionSpec.builder("idleTimeout", OptionType.DURATION)
          .description(
              "Give up (and retry) when the server sends nothing for this long, also while"
                  + " waiting for the response headers")
          .defaultValue(Duration.ofSeconds(60))
          .validator(d -> d.isNegative() || d.isZero() ? "must be positive" : null)
          .build();

  /** Worker setting: the largest download, for every scheme. */
  public static final SettingSpec<Long> MAX_BYTES =
      SettingSpec.builder("maxDownloadBytes", OptionType.SIZE)
          .description("The largest file a download may fetch; a larger one is bad input")
          .defaultValue(100L << 30)
          .defaultText("100g")
          .validator(b -> b < 1 ? "must be at least 1 byte" : null)
          .build();

  /** Every option, in the order docs list them. */
  public static final List<OptionSpec<?>> ALL = List.of(URL, SHA256, IDLE_TIMEOUT);

  /** Every worker setting the stage reads. */
  public static final List<SettingSpec<?>> SETTINGS = settings();

  private static List<SettingSpec<?>> settings() {
    List<SettingSpec<?>> all = new ArrayList<>();
    all.add(MAX_BYTES);
    all.add(AllowedFileRoots.SETTING);
    all.add(HostPolicy.ALLOW);
    all.add(HostPolicy.DENY);
    all.addAll(S3Settings.ALL);
    return List.copyOf(all);
  }
}
