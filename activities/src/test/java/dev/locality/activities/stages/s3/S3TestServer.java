package dev.locality.activities.stages.s3;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * An S3 API server for tests: S3Proxy over an in-memory blob store on 127.0.0.1, with AWS v4
 * signatures checked against fixed test keys. The stages find the keys the way they find real ones,
 * through the SDK's default credentials chain: {@link #start} sets the {@code aws.accessKeyId} and
 * {@code aws.secretAccessKey} system properties. {@link #failPart} injects a server error into one
 * multipart part upload.
 */
public final class S3TestServer implements AutoCloseable {
  public static final String ACCESS_KEY = "locality-test-access";
  public static final String SECRET_KEY = "locality-test-secret";

  private final S3Proxy proxy;
  private final FaultyBlobStore store;
  private final S3Client admin;

  private S3TestServer(S3Proxy proxy, FaultyBlobStore store, S3Client admin) {
    this.proxy = proxy;
    this.store = store;
    this.admin = admin;
  }

  public static S3TestServer start() throws Exception {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    FaultyBlobStore store = new FaultyBlobStore();
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("S3Proxy did not start");
      Thread.onSpinWait();
    }
    URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    S3Client admin =
        S3Client.builder()
            .httpClientBuilder(Apache5HttpClient.builder())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .region(Region.US_EAST_1)
            .endpointOverride(endpoint)
            .forcePathStyle(true)
            .build();
    return new S3TestServer(proxy, store, admin);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Worker settings that point the stages at this server. */
  public Map<String, String> workerSettings() {
    return Map.of(
        S3Settings.ENDPOINT.name(),
        endpoint().toString(),
        S3Settings.PATH_STYLE.name(),
        "true",
        S3Settings.REGION.name(),
        "us-east-1");
  }

  /** A client with the test keys for setting up and inspecting buckets. */
  public S3Client admin() {
    return admin;
  }

  public void createBucket(String bucket) {
    admin.createBucket(b -> b.bucket(bucket));
  }

  /** Makes every upload of part {@code partNumber} fail with a server error (0: none). */
  public void failPart(int partNumber) {
    store.failPart.set(partNumber);
  }

  /** Multipart uploads started and neither completed nor aborted in {@code bucket}. */
  public List<String> pendingUploads(String bucket) {
    return admin.listMultipartUploads(b -> b.bucket(bucket)).uploads().stream()
        .map(u -> u.key() + " " + u.uploadId())
        .toList();
  }

  /** Whether {@code bucket} holds {@code key}. */
  public boolean exists(String bucket, String key) {
    return admin.listObjectsV2(b -> b.bucket(bucket).prefix(key)).contents().stream()
        .anyMatch(o -> o.key().equals(key));
  }

  @Override
  public void close() throws Exception {
    admin.close();
    proxy.stop();
  }

  /** The in-memory store with an injectable part-upload failure. */
  private static final class FaultyBlobStore extends ForwardingBlobStore {
    final AtomicInteger failPart = new AtomicInteger();

    FaultyBlobStore() {
      super(new TransientNio2BlobStore());
    }

    @Override
    public UploadPartResponse uploadMultipartPart(
        MultipartUpload upload, UploadPartRequest request, java.io.InputStream input) {
      if (request.partNumber() == failPart.get()) {
        throw new IllegalStateException("injected failure of part " + request.partNumber());
      }
      return delegate().uploadMultipartPart(upload, request, input);
    }

    @Override
    public MultipartUpload initiateMultipartUpload(
        software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest request) {
      return delegate().initiateMultipartUpload(request);
    }

    @Override
    public void abortMultipartUpload(MultipartUpload upload) {
      delegate().abortMultipartUpload(upload);
    }

    @Override
    public software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse
        completeMultipartUpload(
            MultipartUpload upload,
            software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest request) {
      return delegate().completeMultipartUpload(upload, request);
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.Part> listMultipartUpload(
        MultipartUpload upload) {
      return delegate().listMultipartUpload(upload);
    }

    @Override
    public List<software.amazon.awssdk.services.s3.model.MultipartUpload> listMultipartUploads(
        String container) {
      return delegate().listMultipartUploads(container);
    }

    @Override
    public long getMinimumMultipartPartSize() {
      return delegate().getMinimumMultipartPartSize();
    }
  }
}
