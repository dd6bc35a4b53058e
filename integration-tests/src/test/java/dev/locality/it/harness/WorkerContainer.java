package dev.locality.it.harness;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import dev.locality.activities.session.WorkRoot;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * One Locality worker in its own container (the worker image), on the cluster's network under its
 * worker id as host name and alias. Faults act on the container: {@link #kill()} is {@code docker
 * kill -s KILL} (the container's disk, its work root, goes with it), {@link #stop()} is SIGTERM (a
 * graceful drain, like {@code docker stop}), {@link #pause()} freezes it, {@link #partition()}
 * disconnects it from the network. The container is kept after it exits (for its log) and removed
 * by {@link #close}. Thread-safe.
 */
public final class WorkerContainer implements ItWorker {
  /** Work root inside the worker image. */
  public static final String WORK_ROOT = "/var/lib/locality/work";

  /** The port of /metrics, /healthz and /readyz inside the worker image. */
  public static final int METRICS_PORT = 9464;

  private final String workerId;
  private final GenericContainer<?> container;
  private final Network network;
  private final Pattern uniqueQueue;
  private final java.nio.file.Path logFile;
  private volatile String containerId;

  @SuppressWarnings("resource")
  WorkerContainer(
      String image,
      Network network,
      String workerId,
      Map<String, String> env,
      Duration ready,
      java.nio.file.Path logFile) {
    this.workerId = workerId;
    this.logFile = logFile;
    this.network = network;
    this.uniqueQueue =
        Pattern.compile(
            Pattern.quote(WorkerProcess.SHARED_QUEUE + "@" + workerId + "-") + "\\p{XDigit}{8}");
    this.container =
        new GenericContainer<>(image)
            .withNetwork(network)
            .withNetworkAliases(workerId)
            .withCreateContainerCmdModifier(cmd -> cmd.withHostName(workerId))
            .withEnv(env)
            .withEnv("LOCALITY_WORKER_ID", workerId)
            .withExposedPorts(METRICS_PORT)
            .withStartupAttempts(ContainerCluster.STARTUP_ATTEMPTS)
            .waitingFor(
                Wait.forLogMessage(".*" + uniqueQueue.pattern() + ".*", 1)
                    .withStartupTimeout(ready));
  }

  /**
   * The Java feature release the worker image runs on, as its base image's tag names it ({@code
   * localhost/locality-jre:25}, {@code eclipse-temurin:25-jre}); empty when the tag names none.
   */
  public static OptionalInt baseImageJavaFeature() {
    return Images.javaFeature(Images.workerBaseImage());
  }

  /** Creates and starts the container; returns once the worker polls. */
  void start() {
    container.start();
    containerId = container.getContainerId();
  }

  /** The container's id, for engine calls the harness does not wrap. */
  public String containerId() {
    return containerId;
  }

  /** An HTTP endpoint of the worker ({@code /healthz}, ...) through its mapped metrics port. */
  public URI metricsUri(String path) {
    return URI.create(
        "http://"
            + container.getHost()
            + ":"
            + container.getMappedPort(METRICS_PORT)
            + (path.startsWith("/") ? path : "/" + path));
  }

  /** Runs a command inside the running container ({@code docker exec}). */
  public Container.ExecResult exec(String... command) {
    try {
      return container.execInContainer(command);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The bytes of a file inside the container ({@code docker cp}). */
  public byte[] readFile(String containerPath) {
    return container.copyFileFromContainer(containerPath, InputStream::readAllBytes);
  }

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  @Override
  public String workerId() {
    return workerId;
  }

  @Override
  public String awaitReady(Duration timeout) {
    return uniqueQueue()
        .orElseThrow(() -> new IllegalStateException("worker " + workerId + " not ready"));
  }

  @Override
  public Optional<String> uniqueQueue() {
    Matcher matcher = uniqueQueue.matcher(log());
    return matcher.find() ? Optional.of(matcher.group()) : Optional.empty();
  }

  @Override
  public void kill() {
    if (isAlive()) docker().killContainerCmd(containerId).withSignal("KILL").exec();
    waitForExit(Duration.ofSeconds(10));
  }

  @Override
  public void stop() {
    if (isAlive()) docker().killContainerCmd(containerId).withSignal("TERM").exec();
  }

  @Override
  public Optional<Integer> waitForExit(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      InspectContainerResponse.ContainerState state = state();
      if (state == null) return Optional.of(-1);
      if (!Boolean.TRUE.equals(state.getRunning())) {
        Long code = state.getExitCodeLong();
        return Optional.of(code == null ? -1 : code.intValue());
      }
      if (System.nanoTime() > deadline) return Optional.empty();
      try {
        Thread.sleep(100); // polling the engine for the exit
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      }
    }
  }

  private InspectContainerResponse.ContainerState state() {
    if (containerId == null) return null;
    try {
      return docker().inspectContainerCmd(containerId).exec().getState();
    } catch (RuntimeException gone) {
      return null;
    }
  }

  @Override
  public boolean isAlive() {
    InspectContainerResponse.ContainerState state = state();
    return state != null && Boolean.TRUE.equals(state.getRunning());
  }

  @Override
  public void pause() {
    docker().pauseContainerCmd(containerId).exec();
  }

  @Override
  public void unpause() {
    docker().unpauseContainerCmd(containerId).exec();
  }

  @Override
  public void partition() {
    docker()
        .disconnectFromNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(containerId)
        .withForce(true)
        .exec();
  }

  @Override
  public void heal() {
    docker()
        .connectToNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(containerId)
        .withContainerNetwork(new ContainerNetwork().withAliases(workerId))
        .exec();
  }

  @Override
  public boolean canPartition() {
    return true;
  }

  @Override
  public List<String> sessionLeftovers() {
    if (!isAlive()) return List.of();
    try {
      var result =
          container.execInContainer(
              "find",
              WORK_ROOT,
              "-mindepth",
              "2",
              "!",
              "-name",
              WorkRoot.LOCK_FILE,
              "!",
              "-name",
              WorkRoot.MARKER_FILE,
              "-print");
      if (result.getExitCode() != 0) {
        throw new IllegalStateException("find failed in " + workerId + ": " + result.getStderr());
      }
      return Arrays.stream(result.getStdout().split("\n")).filter(s -> !s.isBlank()).toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String log() {
    if (containerId == null) return "";
    try {
      return container.getLogs();
    } catch (RuntimeException e) {
      return "";
    }
  }

  @Override
  public void close(Duration grace) {
    if (containerId != null && isAlive()) {
      stop();
      if (waitForExit(grace).isEmpty()) kill();
    }
    saveLog();
    try {
      container.stop(); // removes the container
    } catch (RuntimeException ignored) {
      // already gone
    }
  }

  /** Keeps the container's output after the container is removed, for diagnosis. */
  private void saveLog() {
    String text = log();
    if (text.isEmpty()) return;
    try {
      java.nio.file.Files.writeString(logFile, text);
    } catch (java.io.IOException e) {
      System.err.println("could not save the log of " + this + ": " + e);
    }
  }

  @Override
  public String toString() {
    return "worker container " + workerId + " (" + containerId + ")";
  }
}
