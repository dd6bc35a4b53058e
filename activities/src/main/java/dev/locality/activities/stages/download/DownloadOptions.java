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
          .description(
              "Where to fetch the file: an http, https, file:/// or s3://bucket/key URL, or an"
                  + " s3:// or file:// glob (s3://bucket/2026/12/*.csv.gz); give url or urls")
          .build();

  public static final OptionSpec<List<String>> URLS =
      OptionSpec.builder("urls", OptionType.STRING_LIST)
          .description(
              "Several sources, each written as url is (URLs and s3:// or file:// globs); every"
                  + " file becomes one artifact, named after its last path segment (a glob's"
                  + " match: its path below the glob's directory)")
          .validator(list -> list.isEmpty() ? "must list at least one URL" : null)
          .build();

  public static final OptionSpec<Long> PARALLELISM =
      OptionSpec.builder("parallelism", OptionType.INTEGER)
          .description(
              "How many files are fetched at once (at most the worker setting"
                  + " maxDownloadParallelism)")
          .defaultValue(4L)
          .validator(n -> n < 1 ? "must be at least 1" : null)
          .build();

  public static final OptionSpec<Long> MAX_MATCHES =
      OptionSpec.builder("maxMatches", OptionType.INTEGER)
          .description(
              "The most files one glob may match; more is bad input (at most the worker setting"
                  + " maxDownloadMatches)")
          .defaultValue(1000L)
          .validator(n -> n < 1 ? "must be at least 1" : null)
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
          .description(
              "The largest download: one file, or all files of one stage together; more is bad"
                  + " input")
          .defaultValue(100L << 30)
          .defaultText("100g")
          .validator(b -> b < 1 ? "must be at least 1 byte" : null)
          .build();

  public static final OptionSpec<Boolean> IF_CHANGED =
      OptionSpec.builder("ifChanged", OptionType.BOOLEAN)
          .description(
              "Skip the pipeline (status SKIPPED_UNCHANGED, exit code 0) when every source has"
                  + " the ETag, Last-Modified date or S3 version id it had in the last successful"
                  + " run of the same pipeline name (kept in Temporal)")
          .defaultValue(false)
          .build();

  public static final OptionSpec<String> LAST_SOURCE_VERSION =
      OptionSpec.builder("lastSourceVersion", OptionType.STRING)
          .description(
              "Set by the pipeline workflow for ifChanged (the version its last successful run"
                  + " recorded); not written in specs")
          .build();

  public static final OptionSpec<Boolean> CACHE =
      OptionSpec.builder("cache", OptionType.BOOLEAN)
          .description(
              "Keep the file in the worker's download cache (worker option --cache-size) and take"
                  + " it from there when the source still has the same ETag, Last-Modified date or"
                  + " S3 version (or the same sha256); a new pipeline is offered first to a worker"
                  + " that holds it (session.localityWait)")
          .defaultValue(false)
          .build();

  /** Worker setting: the download cache's budget; 0 turns it off. */
  public static final SettingSpec<Long> CACHE_SIZE =
      SettingSpec.builder("downloadCacheSize", OptionType.SIZE)
          .description(
              "The most bytes of downloaded files the worker keeps for downloads with cache: true"
                  + " (least recently used out first; files in use are kept); 0 turns the cache"
                  + " off. Worker option --cache-size")
          .defaultValue(0L)
          .defaultText("0")
          .validator(b -> b < 0 ? "must be 0 or more" : null)
          .build();

  /** Worker setting: the ceiling of {@link #PARALLELISM}. */
  public static final SettingSpec<Long> MAX_PARALLELISM =
      SettingSpec.builder("maxDownloadParallelism", OptionType.INTEGER)
          .description("The most files one download stage fetches at once, whatever it asks for")
          .defaultValue(16L)
          .validator(n -> n < 1 ? "must be at least 1" : null)
          .build();

  /** Worker setting: the ceiling of {@link #MAX_MATCHES}. */
  public static final SettingSpec<Long> MAX_MATCHES_CEILING =
      SettingSpec.builder("maxDownloadMatches", OptionType.INTEGER)
          .description("The most files one glob may match, whatever the spec's maxMatches says")
          .defaultValue(10_000L)
          .validator(n -> n < 1 ? "must be at least 1" : null)
          .build();

  /** Every option, in the order docs list them. */
  public static final List<OptionSpec<?>> ALL =
      List.of(
          URL,
          URLS,
          SHA256,
          PARALLELISM,
          MAX_MATCHES,
          IDLE_TIMEOUT,
          IF_CHANGED,
          CACHE,
          LAST_SOURCE_VERSION);

  /** Every worker setting the stage reads. */
  public static final List<SettingSpec<?>> SETTINGS = settings();

  private static List<SettingSpec<?>> settings() {
    List<SettingSpec<?>> all = new ArrayList<>();
    all.add(MAX_BYTES);
    all.add(MAX_PARALLELISM);
    all.add(MAX_MATCHES_CEILING);
    all.add(CACHE_SIZE);
    all.add(AllowedFileRoots.SETTING);
    all.add(HostPolicy.ALLOW);
    all.add(HostPolicy.DENY);
    all.addAll(S3Settings.ALL);
    return List.copyOf(all);
  }
}
