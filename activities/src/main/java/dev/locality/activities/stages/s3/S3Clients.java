package dev.locality.activities.stages.s3;

import dev.locality.stage.StageContext;
import dev.locality.stage.runtime.WorkerSettingValues;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 clients for the stages, one per distinct configuration, built from the worker settings in
 * {@link S3Settings} (endpoint, path style, region, idle timeout).
 *
 * <p>Credentials come only from the worker's environment through the SDK's default credentials
 * provider chain (environment variables, system properties, profile files, container or instance
 * roles), never from a pipeline spec or the workflow history. Requests use Apache HttpClient 5
 * ({@code apache5-client}), which handles stores that answer a PUT before reading its whole body
 * (the JDK's client then fails a write that was stored, and the SDK sends it again). Clients are
 * thread-safe and live as long as this object; thread-safe.
 */
public final class S3Clients implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  private static volatile Region defaultRegion;

  private final Map<Settings, S3Client> clients = new ConcurrentHashMap<>();

  /** The client for the worker settings a stage attempt sees. */
  public S3Client client(StageContext context) {
    return client(
        context.setting(S3Settings.ENDPOINT),
        context.setting(S3Settings.PATH_STYLE),
        context.setting(S3Settings.REGION),
        context.setting(S3Settings.IDLE_TIMEOUT));
  }

  /** The client for a set of worker settings (tests and tools outside a stage). */
  public S3Client client(WorkerSettingValues settings) {
    return client(
        settings.get(S3Settings.ENDPOINT),
        settings.get(S3Settings.PATH_STYLE),
        settings.get(S3Settings.REGION),
        settings.get(S3Settings.IDLE_TIMEOUT));
  }

  private S3Client client(String endpoint, boolean pathStyle, String region, Duration idleTimeout) {
    Settings settings =
        new Settings(
            S3Settings.endpoint(endpoint),
            pathStyle,
            region.isBlank() ? Settings.defaultRegion() : Region.of(region.trim()),
            idleTimeout);
    return clients.computeIfAbsent(settings, S3Clients::build);
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
