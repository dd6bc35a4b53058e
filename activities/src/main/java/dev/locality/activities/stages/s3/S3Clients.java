package dev.locality.activities.stages.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 clients for the stages, one per distinct configuration, built from worker settings:
 *
 * <ul>
 *   <li>{@value #ENDPOINT_SETTING}: endpoint URL of an S3-compatible store (MinIO, S3Proxy, Ceph),
 *       e.g. {@code http://127.0.0.1:9000}; unset means AWS S3.
 *   <li>{@value #PATH_STYLE_SETTING}: {@code true} for path-style requests ({@code
 *       endpoint/bucket/key}), which most S3-compatible stores need; default {@code false}
 *       (virtual-hosted style).
 *   <li>{@value #REGION_SETTING}: the signing region; default the SDK's region chain ({@code
 *       AWS_REGION}, profile), else {@code us-east-1}.
 * </ul>
 *
 * <p>Credentials come only from the worker's environment through the SDK's default credentials
 * provider chain (environment variables, system properties, profile files, container or instance
 * roles), never from a pipeline spec or the workflow history. Requests use Apache HttpClient 5
 * ({@code apache5-client}), which handles stores that answer a PUT before reading its whole body
 * (the JDK's client then fails a write that was stored, and the SDK sends it again). Clients are
 * thread-safe and live as long as this object; thread-safe.
 */
public final class S3Clients implements AutoCloseable {
  public static final String ENDPOINT_SETTING = "s3Endpoint";
  public static final String PATH_STYLE_SETTING = "s3PathStyle";
  public static final String REGION_SETTING = "s3Region";

  /**
   * Worker setting: a request that neither sends nor receives a byte for this long fails (a
   * transient error, retried); default {@code 120s}. Also bounds how long a worker cut off the
   * network keeps a stage blocked on a dead connection.
   */
  public static final String IDLE_TIMEOUT_SETTING = "s3IdleTimeout";

  /**
   * The value of {@value #IDLE_TIMEOUT_SETTING}: a positive duration ({@code 30s}, {@code 2m}).
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static Duration parseIdleTimeout(String value) {
    Duration d = dev.locality.stage.Durations.parse(value.trim());
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("must be positive");
    return d;
  }

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);

  private static volatile Region defaultRegion;

  private final Map<Settings, S3Client> clients = new ConcurrentHashMap<>();

  /**
   * The client for these worker settings.
   *
   * @throws IllegalStateException naming the setting when one is malformed
   */
  public S3Client client(Function<String, Optional<String>> workerSettings) {
    return clients.computeIfAbsent(Settings.from(workerSettings), S3Clients::build);
  }

  private static S3Client build(Settings settings) {
    var builder =
        S3Client.builder()
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .socketTimeout(settings.idleTimeout()))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .region(settings.region())
            .forcePathStyle(settings.pathStyle());
    if (settings.endpoint() != null) builder.endpointOverride(settings.endpoint());
    return builder.build();
  }

  @Override
  public void close() {
    clients.values().forEach(S3Client::close);
    clients.clear();
  }

  /** The worker settings that shape a client. */
  private record Settings(URI endpoint, boolean pathStyle, Region region, Duration idleTimeout) {
    static Settings from(Function<String, Optional<String>> settings) {
      URI endpoint =
          settings
              .apply(ENDPOINT_SETTING)
              .filter(s -> !s.isBlank())
              .map(s -> endpoint(s.trim()))
              .orElse(null);
      boolean pathStyle =
          settings
              .apply(PATH_STYLE_SETTING)
              .filter(s -> !s.isBlank())
              .map(s -> bool(s.trim()))
              .orElse(false);
      Region region =
          settings
              .apply(REGION_SETTING)
              .filter(s -> !s.isBlank())
              .map(s -> Region.of(s.trim()))
              .orElseGet(Settings::defaultRegion);
      Duration idleTimeout =
          settings
              .apply(IDLE_TIMEOUT_SETTING)
              .filter(s -> !s.isBlank())
              .map(s -> idleTimeout(s.trim()))
              .orElse(DEFAULT_IDLE_TIMEOUT);
      return new Settings(endpoint, pathStyle, region, idleTimeout);
    }

    private static Duration idleTimeout(String value) {
      try {
        return parseIdleTimeout(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(
            "worker setting " + IDLE_TIMEOUT_SETTING + ": '" + value + "': " + e.getMessage(), e);
      }
    }

    private static URI endpoint(String value) {
      try {
        URI uri = new URI(value);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) return uri;
      } catch (java.net.URISyntaxException e) {
        // reported below
      }
      throw new IllegalStateException(
          "worker setting " + ENDPOINT_SETTING + ": '" + value + "' is not an http(s) URL");
    }

    private static boolean bool(String value) {
      if (value.equalsIgnoreCase("true")) return true;
      if (value.equalsIgnoreCase("false")) return false;
      throw new IllegalStateException(
          "worker setting " + PATH_STYLE_SETTING + ": expected true or false, got '" + value + "'");
    }

    /** Looked up once: the chain may ask the instance metadata service, which can be slow. */
    private static Region defaultRegion() {
      Region region = defaultRegion;
      if (region == null) {
        try {
          region = new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException e) {
          region = Region.US_EAST_1;
        }
        defaultRegion = region;
      }
      return region;
    }
  }
}
