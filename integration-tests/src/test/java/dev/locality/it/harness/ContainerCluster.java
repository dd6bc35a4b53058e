package dev.locality.it.harness;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Container mode: the Temporal test server and every worker in their own containers on one
 * Testcontainers network; the HTTP origin and S3Proxy in the test JVM, bound to all addresses and
 * advertised to the workers as the network's gateway address (which is the host). Testcontainers'
 * own route to the host, {@code exposeHostPorts}, needs an sshd image from a registry and so does
 * not work offline; the gateway does, with rootful podman as with Docker. Workers reach the server
 * as {@code temporal:7233}; the test JVM through the mapped port.
 */
public final class ContainerCluster implements ItCluster {
  static final String SERVER_ALIAS = "temporal";

  /** System property naming a Temporal server image to use instead of the built one. */
  public static final String SERVER_IMAGE_PROPERTY = "locality.it.serverImage";

  private final ItClusters.Builder settings;
  private final Network network;
  private final String gateway;
  private final Map<String, WorkerContainer> workers = new LinkedHashMap<>();
  private final java.nio.file.Path runDir;

  /** Attempts to create and start a container; the engine's transient start errors are retried. */
  static final int STARTUP_ATTEMPTS = 3;

  private GenericContainer<?> server;
  private WorkflowServiceStubs stubs;
  private WorkflowClient client;
  private HttpOrigin origin;
  private S3Server s3;

  private ContainerCluster(ItClusters.Builder settings) {
    this.settings = settings;
    this.runDir = HarnessPaths.newRunDir(settings.name);
    this.network = Network.newNetwork();
    this.gateway =
        DockerClientFactory.instance()
            .client()
            .inspectNetworkCmd()
            .withNetworkId(network.getId())
            .exec()
            .getIpam()
            .getConfig()
            .get(0)
            .getGateway();
  }

  @SuppressWarnings("resource")
  static ContainerCluster start(ItClusters.Builder settings) {
    ContainerCluster cluster = new ContainerCluster(settings);
    try {
      String workerImage = Images.worker();
      cluster.server = serverContainer().withNetwork(cluster.network);
      cluster.server.start();
      cluster.stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder()
                  .setTarget("127.0.0.1:" + cluster.server.getMappedPort(7233))
                  .setRpcTimeout(Duration.ofSeconds(10))
                  .build());
      cluster.client =
          WorkflowClient.newInstance(
              cluster.stubs,
              WorkflowClientOptions.newBuilder().setNamespace(EmbeddedTemporal.NAMESPACE).build());
      InetAddress any = InetAddress.getByName("0.0.0.0");
      if (settings.served != null)
        cluster.origin = HttpOrigin.serve(settings.served, any, cluster.gateway);
      if (settings.s3) cluster.s3 = S3Server.start(any, cluster.gateway);
      cluster.startAll(workerImage, settings.workerIds);
      return cluster;
    } catch (Exception e) {
      try {
        cluster.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e);
    }
  }

  /**
   * The Temporal server: the image named by the system property {@value #SERVER_IMAGE_PROPERTY}
   * (e.g. {@code temporalio/temporal:latest}, run as {@code server start-dev}) where such an image
   * can be pulled, else the Java test server image built from the repository ({@link
   * Images#server()}).
   */
  @SuppressWarnings("resource")
  private static GenericContainer<?> serverContainer() {
    String configured = System.getProperty(SERVER_IMAGE_PROPERTY, "").trim();
    GenericContainer<?> server =
        configured.isEmpty()
            ? new GenericContainer<>(Images.server())
                .waitingFor(
                    Wait.forLogMessage(".*TEMPORAL_ADDRESS.*", 1)
                        .withStartupTimeout(Duration.ofSeconds(60)))
            : new GenericContainer<>(configured)
                .withCommand(
                    "server",
                    "start-dev",
                    "--ip",
                    "0.0.0.0",
                    "--namespace",
                    EmbeddedTemporal.NAMESPACE,
                    "--headless")
                .waitingFor(Wait.forListeningPort().withStartupTimeout(Duration.ofSeconds(90)));
    return server
        .withNetworkAliases(SERVER_ALIAS)
        .withExposedPorts(7233)
        // podman occasionally fails a container start ("write child: broken pipe")
        .withStartupAttempts(STARTUP_ATTEMPTS);
  }

  private void startAll(String image, List<String> ids) throws Exception {
    List<WorkerContainer> started = new ArrayList<>();
    for (String id : ids)
      started.add(create(image, id, settings.perWorkerEnv.getOrDefault(id, Map.of())));
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, started.size()));
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (WorkerContainer worker : started) futures.add(pool.submit(worker::start));
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }
  }

  private synchronized WorkerContainer create(
      String image, String workerId, Map<String, String> env) {
    if (workers.containsKey(workerId))
      throw new IllegalArgumentException("worker " + workerId + " was started before");
    Map<String, String> all = new LinkedHashMap<>();
    all.put("TEMPORAL_ADDRESS", SERVER_ALIAS + ":7233");
    // The product image sizes the heap by the container's memory (none set here: the host's);
    // keep test workers small and quick to start on a shared CI machine.
    all.put("JAVA_TOOL_OPTIONS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    if (settings.maxSessions > 0)
      all.put("LOCALITY_MAX_SESSIONS", Integer.toString(settings.maxSessions));
    if (s3 != null) all.putAll(s3.workerEnv());
    all.putAll(settings.workerEnv);
    all.putAll(env);
    WorkerContainer worker =
        new WorkerContainer(
            image,
            network,
            workerId,
            all,
            settings.readyTimeout,
            runDir.resolve(workerId + ".log"));
    workers.put(workerId, worker);
    return worker;
  }

  @Override
  public ItMode mode() {
    return ItMode.CONTAINERS;
  }

  @Override
  public WorkflowClient client() {
    return client;
  }

  @Override
  public String temporalAddress() {
    return "127.0.0.1:" + server.getMappedPort(7233);
  }

  @Override
  public HttpOrigin origin() {
    if (origin == null) throw new IllegalStateException("this cluster serves no directory");
    return origin;
  }

  @Override
  public S3Server s3() {
    if (s3 == null) throw new IllegalStateException("this cluster has no S3 server");
    return s3;
  }

  @Override
  public ItWorker startWorker(String workerId, Map<String, String> env) {
    WorkerContainer worker = create(Images.worker(), workerId, env);
    worker.start();
    return worker;
  }

  @Override
  public synchronized ItWorker worker(String workerId) {
    WorkerContainer worker = workers.get(workerId);
    if (worker == null) throw new NoSuchElementException("no worker " + workerId);
    return worker;
  }

  @Override
  public synchronized List<? extends ItWorker> workers() {
    return List.copyOf(workers.values());
  }

  /** The network's gateway address: how containers reach the test JVM. */
  public String hostAddress() {
    return gateway;
  }

  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    List<WorkerContainer> all;
    synchronized (this) {
      all = List.copyOf(workers.values());
    }
    for (WorkerContainer worker : all) {
      try {
        worker.close(Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (stubs != null) {
      stubs.shutdownNow();
      stubs.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (server != null) server.stop();
    if (origin != null) origin.close();
    if (s3 != null) s3.close();
    try {
      network.close();
    } catch (RuntimeException e) {
      failures.add(e);
    }
    if (!failures.isEmpty()) {
      IllegalStateException e = new IllegalStateException("cluster did not close cleanly");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }
}
