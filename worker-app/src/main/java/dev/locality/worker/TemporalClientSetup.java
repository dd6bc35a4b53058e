package dev.locality.worker;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import com.uber.m3.tally.ScopeCloseException;
import dev.locality.api.converter.LocalityDataConverter;
import dev.locality.api.converter.PayloadKey;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * How the worker connects to Temporal: only through {@code temporal-envconfig}, i.e. the variables
 * and TOML profiles of the Temporal CLI ({@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE},
 * {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS*}, {@code TEMPORAL_GRPC_META_*}, {@code
 * TEMPORAL_PROFILE}, {@code TEMPORAL_CONFIG_FILE}), plus the SDK's metrics reported into the
 * worker's Micrometer registry. Stateless.
 */
final class TemporalClientSetup {
  /** How often the SDK's metrics scope reports into Micrometer. */
  static final com.uber.m3.util.Duration SDK_METRICS_INTERVAL =
      com.uber.m3.util.Duration.ofSeconds(5);

  private TemporalClientSetup() {}

  /**
   * The connection profile from {@code env} (the process environment when null) and the TOML file
   * it names, as the Temporal CLI reads them.
   *
   * @throws InvalidConfigurationException when the profile file cannot be read or names no profile
   */
  static ClientConfigProfile profile(Map<String, String> env) {
    LoadClientConfigProfileOptions.Builder options = LoadClientConfigProfileOptions.newBuilder();
    if (env != null) options.setEnvOverrides(env);
    try {
      return ClientConfigProfile.load(options.build());
    } catch (IOException | RuntimeException e) {
      throw new InvalidConfigurationException(
          java.util.List.of(
              "Temporal connection profile (TEMPORAL_* / TOML file): " + e.getMessage()));
    }
  }

  /** The gRPC stub options of {@code profile} (target, TLS, API key, metadata) with SDK metrics. */
  static WorkflowServiceStubsOptions stubsOptions(ClientConfigProfile profile, Scope metricsScope) {
    WorkflowServiceStubsOptions.Builder builder =
        WorkflowServiceStubsOptions.newBuilder(profile.toWorkflowServiceStubsOptions());
    if (metricsScope != null) builder.setMetricsScope(metricsScope);
    return builder.build();
  }

  /**
   * The {@link LocalityDataConverter} for {@code env}: failures redacted, payloads encrypted when
   * {@value PayloadKey#ENV} names a key file.
   *
   * @throws InvalidConfigurationException when the key file cannot be read or holds no key
   */
  static DataConverter dataConverter(Map<String, String> env) {
    try {
      return LocalityDataConverter.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigurationException(java.util.List.of(e.getMessage()));
    }
  }

  /**
   * Client options of {@code profile} (namespace) with the worker's identity and {@code converter}
   * (see {@link #dataConverter}).
   */
  static WorkflowClientOptions clientOptions(
      ClientConfigProfile profile, String workerId, DataConverter converter) {
    return WorkflowClientOptions.newBuilder(profile.toWorkflowClientOptions())
        .setIdentity(ProcessHandle.current().pid() + "@" + workerId)
        .setDataConverter(converter)
        .build();
  }

  /**
   * A tally scope that reports the SDK's metrics (requests, polls, task latencies, slots) into
   * {@code registry}, tagged with the worker id. Close it on shutdown.
   */
  static Scope sdkMetricsScope(MeterRegistry registry, String workerId) {
    return new RootScopeBuilder()
        .reporter(new MicrometerClientStatsReporter(registry))
        .tags(Map.of(WorkerMetrics.WORKER_ID, workerId))
        .reportEvery(SDK_METRICS_INTERVAL);
  }

  /** Closes the SDK metrics scope (a last report); a failure only matters for the last report. */
  static void close(Scope scope) {
    try {
      scope.close();
    } catch (ScopeCloseException e) {
      LoggerFactory.getLogger(TemporalClientSetup.class)
          .warn("could not close the SDK metrics scope: {}", e.toString());
    }
  }
}
