package dev.locality.activities.stages.s3;

import dev.locality.stage.OptionType;
import dev.locality.stage.SettingSpec;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The worker settings that shape the S3 client of the download and upload stages. Both stages
 * declare these same constants. Credentials are never settings: they come from the worker's
 * environment through the SDK's default chain.
 */
public final class S3Settings {
  private S3Settings() {}

  public static final SettingSpec<String> ENDPOINT =
      SettingSpec.builder("s3Endpoint", OptionType.STRING)
          .description(
              "Endpoint URL of an S3-compatible store (MinIO, S3Proxy, Ceph), e.g."
                  + " http://127.0.0.1:9000; unset means AWS S3")
          .defaultValue("")
          .defaultText("AWS")
          .validator(S3Settings::endpointProblem)
          .build();

  public static final SettingSpec<Boolean> PATH_STYLE =
      SettingSpec.builder("s3PathStyle", OptionType.BOOLEAN)
          .description(
              "Path-style requests (endpoint/bucket/key), which most S3-compatible stores need;"
                  + " false means virtual-hosted style")
          .defaultValue(false)
          .build();

  public static final SettingSpec<String> REGION =
      SettingSpec.builder("s3Region", OptionType.STRING)
          .description("S3 signing region; unset means the SDK's region chain, else us-east-1")
          .defaultValue("")
          .defaultText("SDK chain")
          .build();

  public static final SettingSpec<Duration> IDLE_TIMEOUT =
      SettingSpec.builder("s3IdleTimeout", OptionType.DURATION)
          .description(
              "An S3 request that neither sends nor receives a byte for this long fails (a"
                  + " transient error, retried)")
          .defaultValue(Duration.ofSeconds(120))
          .defaultText("120s")
          .validator(d -> d.isNegative() || d.isZero() ? "must be positive" : null)
          .build();

  /** Every S3 setting, for a stage's {@code settings()}. */
  public static final List<SettingSpec<?>> ALL =
      List.of(ENDPOINT, PATH_STYLE, REGION, IDLE_TIMEOUT);

  /** The endpoint as a URI, or null for AWS. */
  static URI endpoint(String value) {
    return value.isBlank() ? null : URI.create(value.trim());
  }

  private static String endpointProblem(String value) {
    if (value.isBlank()) return null;
    try {
      URI uri = new URI(value.trim());
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) return null;
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    return "'" + value + "' is not an http(s) URL";
  }
}
