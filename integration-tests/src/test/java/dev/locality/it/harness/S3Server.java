package dev.locality.it.harness;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An S3 API server in the test JVM: S3Proxy over an in-memory store, AWS v4 signatures checked
 * against fixed test keys, bound to an address the workers reach ({@code 0.0.0.0} and advertised as
 * the container network's gateway in container mode; loopback in process mode). Counts committed
 * writes (PUT object, complete multipart) per key so a test can prove an output was committed
 * exactly once, and can hold writes back ({@link #holdWrites}) so an upload stage stays busy.
 * Thread-safe.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "locality-it-access";
  public static final String SECRET_KEY = "locality-it-secret";

  private final S3Proxy proxy;
  private final CountingStore store;
  private final S3Client admin;
  private final String advertisedHost;

  private S3Server(S3Proxy proxy, CountingStore store, S3Client admin, String advertisedHost) {
    this.proxy = proxy;
    this.store = store;
    this.admin = admin;
    this.advertisedHost = advertisedHost;
  }

  /** Starts on {@code bind} (any port); workers are told {@code http://<advertisedHost>:port}. */
  public static S3Server start(InetAddress bind, String advertisedHost) {
    try {
      CountingStore store = new CountingStore();
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(store)
              .endpoint(URI.create("http://" + bind.getHostAddress() + ":0"))
              .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
              .build();
      proxy.start();
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("S3Proxy did not start");
        Thread.onSpinWait();
      }
      S3Client admin =
          S3Client.builder()
              .httpClientBuilder(Apache5HttpClient.builder())
              .credentialsProvider(
                  StaticCredentialsProvider.create(
                      AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
              .region(Region.US_EAST_1)
              .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
              .forcePathStyle(true)
              .build();
      return new S3Server(proxy, store, admin, advertisedHost);
    } catch (Exception e) {
      throw new IllegalStateException("could not start S3Proxy", e);
    }
  }

  /** The endpoint workers use. */
  public URI endpoint() {
    return URI.create("http://" + advertisedHost + ":" + proxy.getPort());
  }

  /** The worker (stage) settings that point the stages at this server. */
  public Map<String, String> workerSettings() {
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("s3Endpoint", endpoint().toString());
    settings.put("s3PathStyle", "true");
    settings.put("s3Region", "us-east-1");
    settings.put("s3MultipartThreshold", "5m");
    settings.put("s3PartSize", "5m");
    // a worker cut off mid-request gives up on the dead connection soon after it heals
    settings.put("s3IdleTimeout", "10s");
    return settings;
  }

  /** Worker environment that points the stages at this server (settings and credentials). */
  public Map<String, String> workerEnv() {
    StringBuilder settings = new StringBuilder();
    workerSettings()
        .forEach(
            (k, v) ->
                settings.append(settings.isEmpty() ? "" : ";").append(k).append('=').append(v));
    return Map.of(
        "LOCALITY_SETTINGS",
        settings.toString(),
        "AWS_ACCESS_KEY_ID",
        ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY",
        SECRET_KEY,
        "AWS_REGION",
        "us-east-1");
  }

  public void createBucket(String bucket) {
    admin.createBucket(b -> b.bucket(bucket));
  }

  /** The object's bytes. */
  public byte[] read(String bucket, String key) {
    ResponseBytes<GetObjectResponse> bytes = admin.getObjectAsBytes(b -> b.bucket(bucket).key(key));
    return bytes.asByteArray();
  }

  /** Keys in {@code bucket} under {@code prefix}. */
  public List<String> keys(String bucket, String prefix) {
    return admin.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .map(o -> o.key())
        .toList();
  }

  /** Multipart uploads neither completed nor aborted in {@code bucket}. */
  public List<String> pendingUploads(String bucket) {
    return admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().stream()
        .map(u -> u.key() + " " + u.uploadId())
        .toList();
  }

  /** How many writes were committed to {@code bucket/key} (PUT or complete multipart). */
  public long commits(String bucket, String key) {
    return store.commits.getOrDefault(bucket + "/" + key, new AtomicLong()).get();
  }

  /** A client with the test keys, for changing objects behind the workers' back. */
  public S3Client admin() {
    return admin;
  }

  /**
   * How many object reads (GET) of keys in {@code bucket} starting with {@code prefix} there were.
   */
  public long reads(String bucket, String prefix) {
    return store.reads.entrySet().stream()
        .filter(e -> e.getKey().startsWith(bucket + "/" + prefix))
        .mapToLong(e -> e.getValue().get())
        .sum();
  }

  /** Writes that reached the store, committed or not (a stalled write counts when it arrives). */
  public int writesStarted() {
    return store.writesStarted.get();
  }

  /**
   * Every later write (object PUT or part) waits in the store for {@code delay} before it is
   * stored, so an upload stage is busy for at least that long with its bytes in flight.
   */
  public void holdWrites(Duration delay) {
    store.delayMillis.set(delay.toMillis());
  }

  /** Latch counted down when the next write arrives at the store. */
  public CountDownLatch nextWrite() {
    CountDownLatch latch = new CountDownLatch(1);
    store.onWrite = latch;
    return latch;
  }

  @Override
  public void close() {
    admin.close();
    try {
      proxy.stop();
    } catch (Exception e) {
      throw new IllegalStateException("could not stop S3Proxy", e);
    }
  }

  /** The in-memory store, counting commits and optionally holding writes back. */
  private static final class CountingStore extends ForwardingBlobStore {
    final Map<String, AtomicLong> commits = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger writesStarted = new AtomicInteger();
    final Map<String, AtomicLong> reads = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicLong delayMillis = new AtomicLong();
    volatile CountDownLatch onWrite;

    CountingStore() {
      super(new TransientNio2BlobStore());
    }

    private void arrive() {
      writesStarted.incrementAndGet();
      CountDownLatch latch = onWrite;
      if (latch != null) latch.countDown();
      long delay = delayMillis.get();
      if (delay > 0) {
        try {
          Thread.sleep(delay); // a slow store, not synchronisation
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private void committed(String bucket, String key) {
      long n = commits.computeIfAbsent(bucket + "/" + key, k -> new AtomicLong()).incrementAndGet();
      if (n > 1) System.out.println("[s3] commit #" + n + " of " + bucket + "/" + key);
    }

    @Override
    public software.amazon.awssdk.core.ResponseInputStream<GetObjectResponse> getBlob(
        software.amazon.awssdk.services.s3.model.GetObjectRequest request) {
      reads
          .computeIfAbsent(request.bucket() + "/" + request.key(), k -> new AtomicLong())
          .incrementAndGet();
      return delegate().getBlob(request);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
      arrive();
      PutObjectResponse response = delegate().putBlob(request, input);
      committed(request.bucket(), request.key());
      return response;
    }

    @Override
    public UploadPartResponse uploadMultipartPart(
        MultipartUpload upload, UploadPartRequest request, InputStream input) {
      arrive();
      return delegate().uploadMultipartPart(upload, request, input);
    }

    @Override
    public CompleteMultipartUploadResponse completeMultipartUpload(
        MultipartUpload upload, CompleteMultipartUploadRequest request) {
      CompleteMultipartUploadResponse response =
          delegate().completeMultipartUpload(upload, request);
      committed(upload.containerName(), upload.blobName());
      return response;
    }
  }
}
