package dev.locality.cli.connect;

import dev.locality.api.converter.LocalityDataConverter;
import dev.locality.worker.WorkerConfig;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Decides where the CLI's Temporal service is and connects to it, in this order:
 *
 * <ol>
 *   <li>the address of the temporal-envconfig profile ({@code TEMPORAL_ADDRESS}, or the TOML
 *       profile selected by {@code TEMPORAL_PROFILE} / {@code TEMPORAL_CONFIG_FILE}, with TLS and
 *       API key settings), exactly like the Temporal CLI;
 *   <li>a server listening on {@code 127.0.0.1:7233} (for example {@code locality server} or {@code
 *       temporal server start-dev});
 *   <li>for commands that allow it, the embedded default ({@link EmbeddedTemporal}).
 * </ol>
 *
 * Thread-safe; each call opens a new connection the caller must close.
 */
public final class TemporalConnector {
  /** Where a local development server listens. */
  public static final String LOCAL_HOST = "127.0.0.1";

  public static final int LOCAL_PORT = 7233;

  private static final int PROBE_TIMEOUT_MILLIS = 3_000;

  private final Map<String, String> env;
  private final BooleanSupplier localServerListening;

  /**
   * @param env environment variables to read the connection settings from (normally {@code
   *     System.getenv()})
   * @param localServerListening whether something listens on 127.0.0.1:7233
   */
  public TemporalConnector(Map<String, String> env, BooleanSupplier localServerListening) {
    this.env = env;
    this.localServerListening = localServerListening;
  }

  /** Reads the real environment and probes the local port. */
  public static TemporalConnector fromEnvironment(Map<String, String> env) {
    return new TemporalConnector(env, () -> Ports.isListening(LOCAL_HOST, LOCAL_PORT, 300));
  }

  /** Which server {@link #connect} would use, without connecting. */
  public Mode mode() throws IOException {
    return mode(profile());
  }

  /**
   * Connects to a configured or local server.
   *
   * @throws NoServerException when nothing is configured or listening
   * @throws IOException when the envconfig TOML file cannot be read
   */
  public TemporalConnection connect() throws IOException {
    return connect(false, null, null);
  }

  /**
   * Connects to a configured or local server, else starts the embedded server and a worker on
   * {@code sharedQueue} that loads the stage plugins of {@code pluginsDir} (null: none).
   *
   * @throws IOException when the envconfig TOML file cannot be read
   */
  public TemporalConnection connectOrEmbed(String sharedQueue, Path pluginsDir) throws IOException {
    return connect(true, sharedQueue, pluginsDir);
  }

  private TemporalConnection connect(boolean allowEmbedded, String sharedQueue, Path pluginsDir)
      throws IOException {
    ClientConfigProfile profile = profile();
    switch (mode(profile)) {
      case CONFIGURED:
        requireReachable(profile.getAddress());
        return open(profile, profile.getAddress());
      case LOCAL:
        return open(
            profile.toBuilder().setAddress(LOCAL_HOST + ":" + LOCAL_PORT).build(),
            LOCAL_HOST + ":" + LOCAL_PORT);
      default:
        if (!allowEmbedded) throw new NoServerException();
        return EmbeddedTemporal.start(sharedQueue, pluginsDir);
    }
  }

  /** The environment variable naming the plugins directory, the one the worker reads too. */
  public static final String PLUGINS_DIR_ENV = WorkerConfig.PLUGINS_DIR_ENV;

  /**
   * The plugins directory {@code env} names ({@value #PLUGINS_DIR_ENV}, as for the worker), or
   * null: the default of the CLI's {@code --plugins-dir}.
   */
  public static Path pluginsDir(Map<String, String> env) {
    String dir = env.get(PLUGINS_DIR_ENV);
    return dir == null || dir.isBlank() ? null : Path.of(dir);
  }

  /**
   * Starts the embedded server alone, on a free loopback port that other processes can reach at
   * {@link TemporalConnection#target()} (the demo's worker processes).
   */
  public TemporalConnection embeddedServerOnly() {
    return EmbeddedTemporal.start(null, false, null);
  }

  /**
   * Starts the embedded server and a worker regardless of configuration; the worker loads the stage
   * plugins of {@code pluginsDir} (null: none).
   */
  public TemporalConnection embedded(String sharedQueue, Path pluginsDir) {
    return EmbeddedTemporal.start(sharedQueue, pluginsDir);
  }

  /**
   * Fails fast, naming the address and the setting it came from, when nothing accepts connections
   * there (instead of a gRPC UNAVAILABLE after the client's retries).
   */
  private void requireReachable(String address) {
    int colon = address.lastIndexOf(':');
    String host = colon > 0 ? address.substring(0, colon) : address;
    int port = LOCAL_PORT;
    if (colon > 0) {
      try {
        port = Integer.parseInt(address.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        return; // not host:port (a URL form the SDK understands): let the SDK judge it
      }
    }
    if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
    if (!Ports.isListening(host, port, PROBE_TIMEOUT_MILLIS)) {
      throw new UnreachableServerException(address, addressSource());
    }
  }

  /** Where the configured address came from, in the words the user set it with. */
  String addressSource() {
    if (env.get("TEMPORAL_ADDRESS") != null && !env.get("TEMPORAL_ADDRESS").isBlank()) {
      return "TEMPORAL_ADDRESS";
    }
    String profile = env.getOrDefault("TEMPORAL_PROFILE", "default");
    String file = env.get("TEMPORAL_CONFIG_FILE");
    return "the address of temporal-envconfig profile '"
        + profile
        + "'"
        + (file == null ? "" : " in " + file)
        + " (or set TEMPORAL_ADDRESS)";
  }

  private Mode mode(ClientConfigProfile profile) {
    if (profile.getAddress() != null && !profile.getAddress().isBlank()) return Mode.CONFIGURED;
    return localServerListening.getAsBoolean() ? Mode.LOCAL : Mode.EMBEDDED;
  }

  private ClientConfigProfile profile() throws IOException {
    return ClientConfigProfile.load(
        LoadClientConfigProfileOptions.newBuilder().setEnvOverrides(env).build());
  }

  /**
   * A connection with the {@link LocalityDataConverter} of {@code env}: payloads encrypted when
   * {@code LOCALITY_PAYLOAD_KEY_FILE} names a key file, as the workers do.
   *
   * @throws dev.locality.worker.InvalidConfigurationException naming the variable when the key file
   *     cannot be read or holds no key
   */
  private TemporalConnection open(ClientConfigProfile profile, String target) {
    io.temporal.common.converter.DataConverter converter;
    try {
      converter = LocalityDataConverter.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      throw new dev.locality.worker.InvalidConfigurationException(List.of(e.getMessage()));
    }
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(profile.toWorkflowServiceStubsOptions());
    WorkflowClient client =
        WorkflowClient.newInstance(
            stubs,
            WorkflowClientOptions.newBuilder(profile.toWorkflowClientOptions())
                .setDataConverter(converter)
                .build());
    return new TemporalConnection(stubs, client, target, null);
  }

  /** Where the connection goes. */
  public enum Mode {
    /** An address from temporal-envconfig (env vars or TOML profile). */
    CONFIGURED,
    /** A server listening on 127.0.0.1:7233. */
    LOCAL,
    /** Nothing found: the in-process test server and worker. */
    EMBEDDED
  }

  /** The configured address accepts no connections. */
  public static final class UnreachableServerException extends RuntimeException {
    UnreachableServerException(String address, String source) {
      super(
          "cannot reach Temporal at "
              + address
              + " (from "
              + source
              + "): nothing accepts connections there. Start the server, or point "
              + (source.equals("TEMPORAL_ADDRESS") ? "TEMPORAL_ADDRESS" : "the setting")
              + " at a running one (unset it to use a server on "
              + LOCAL_HOST
              + ":"
              + LOCAL_PORT
              + " or, for 'run', the embedded one)");
    }
  }

  /** Nothing is configured or listening, and the command cannot use the embedded default. */
  public static final class NoServerException extends RuntimeException {
    NoServerException() {
      super(
          "no Temporal server: TEMPORAL_ADDRESS (or a temporal-envconfig profile address) is not"
              + " set and nothing listens on "
              + LOCAL_HOST
              + ":"
              + LOCAL_PORT
              + " (start one with 'locality server')");
    }
  }
}
