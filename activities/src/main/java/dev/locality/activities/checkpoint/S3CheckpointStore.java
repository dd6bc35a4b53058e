package dev.locality.activities.checkpoint;

import dev.locality.activities.stages.internal.HeartbeatingWait;
import dev.locality.activities.stages.s3.S3Location;
import dev.locality.activities.stages.s3.S3Uploader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.DeleteObjectsRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A checkpoint store under an S3 prefix ({@code s3://bucket/prefix/}). Files go through the upload
 * stage's {@link S3Uploader} (multipart for large files, the fence check right before the commit,
 * the SHA-256 stored as object metadata); reads are plain streaming GETs. Thread-safe.
 */
final class S3CheckpointStore implements CheckpointStore {
  private static final Logger log = LoggerFactory.getLogger(S3CheckpointStore.class);
  private static final long MULTIPART_THRESHOLD = 64L << 20;
  private static final long PART_SIZE = 16L << 20;

  private final S3Client client;
  private final String bucket;
  private final String prefix;

  /**
   * @param prefix the key prefix under the bucket, empty or ending with '/'
   */
  S3CheckpointStore(S3Client client, String bucket, String prefix) {
    this.client = client;
    this.bucket = bucket;
    this.prefix = prefix;
  }

  @Override
  public void put(String key, Path file, String sha256, Runnable heartbeat, Runnable beforeCommit)
      throws IOException {
    new S3Uploader(client, MULTIPART_THRESHOLD, PART_SIZE, log)
        .upload(
            new S3Location(bucket, prefix + key),
            file,
            sha256,
            true,
            sent -> heartbeat.run(),
            beforeCommit);
  }

  @Override
  public void putBytes(String key, byte[] content, Runnable beforeCommit) throws IOException {
    beforeCommit.run();
    try {
      client.putObject(
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(prefix + key)
              .contentType("application/json")
              .build(),
          RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw new IOException("writing " + describe(key) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public InputStream open(String key) throws IOException {
    try {
      return client.getObject(GetObjectRequest.builder().bucket(bucket).key(prefix + key).build());
    } catch (NoSuchKeyException e) {
      throw new NoSuchFileException(describe(key));
    } catch (SdkException e) {
      throw new IOException("reading " + describe(key) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public int deleteAll(String keyPrefix, Runnable heartbeat) throws IOException {
    try {
      int deleted = 0;
      String token = null;
      do {
        ListObjectsV2Request.Builder list =
            ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix);
        if (token != null) list.continuationToken(token);
        var page =
            HeartbeatingWait.callUnchecked(
                () -> client.listObjectsV2(list.build()), heartbeat, ignored -> {});
        List<ObjectIdentifier> keys = new ArrayList<>();
        for (S3Object object : page.contents()) {
          keys.add(ObjectIdentifier.builder().key(object.key()).build());
        }
        if (!keys.isEmpty()) {
          client.deleteObjects(
              DeleteObjectsRequest.builder()
                  .bucket(bucket)
                  .delete(Delete.builder().objects(keys).quiet(true).build())
                  .build());
          deleted += keys.size();
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
      return deleted;
    } catch (SdkException e) {
      throw new IOException("deleting " + describe(keyPrefix) + "*: " + e.getMessage(), e);
    }
  }

  @Override
  public String describe(String key) {
    return "s3://" + bucket + "/" + prefix + key;
  }
}
