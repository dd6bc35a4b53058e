package dev.locality.it.harness;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds an {@link ItCluster} in the run's {@link ItMode}. */
public final class ItClusters {
  private ItClusters() {}

  public static Builder builder() {
    return new Builder();
  }

  /** Settings shared by both modes; {@link #start()} picks the implementation. */
  public static final class Builder {
    final List<String> workerIds = new ArrayList<>();
    final Map<String, String> workerEnv = new LinkedHashMap<>();
    final Map<String, Map<String, String>> perWorkerEnv = new LinkedHashMap<>();
    Path served;
    boolean s3;
    int maxSessions;
    String name = "cluster";
    Duration readyTimeout = Duration.ofSeconds(60);
    ItMode mode;

    private Builder() {}

    public Builder workers(String... ids) {
      workerIds.addAll(List.of(ids));
      return this;
    }

    public Builder worker(String id, Map<String, String> env) {
      workerIds.add(id);
      perWorkerEnv.put(id, Map.copyOf(env));
      return this;
    }

    public Builder maxSessions(int maxSessions) {
      this.maxSessions = maxSessions;
      return this;
    }

    public Builder workerEnv(String key, String value) {
      workerEnv.put(key, value);
      return this;
    }

    public Builder serve(Path directory) {
      this.served = directory;
      return this;
    }

    /** Runs an S3 API server (S3Proxy) and points every worker's stages at it. */
    public Builder withS3() {
      this.s3 = true;
      return this;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    /** Overrides the run's mode (a scenario that exists in one mode only). */
    public Builder mode(ItMode mode) {
      this.mode = mode;
      return this;
    }

    public ItCluster start() {
      ItMode chosen = mode != null ? mode : ItMode.current();
      return chosen == ItMode.CONTAINERS ? ContainerCluster.start(this) : startProcesses();
    }

    private ItCluster startProcesses() {
      S3Server server = s3 ? S3Server.start(InetAddress.getLoopbackAddress(), "127.0.0.1") : null;
      try {
        Cluster.Builder b =
            Cluster.builder().name(name).readyTimeout(readyTimeout).maxSessions(maxSessions);
        if (served != null) b.serve(served);
        if (server != null) server.workerEnv().forEach(b::workerEnv);
        workerEnv.forEach(b::workerEnv);
        for (String id : workerIds) b.worker(id, perWorkerEnv.getOrDefault(id, Map.of()));
        return new ProcessCluster(b.start(), server);
      } catch (RuntimeException e) {
        if (server != null) server.close();
        throw e;
      }
    }
  }
}
