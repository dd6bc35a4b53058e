package dev.locality.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.activities.stages.s3.S3Clients;
import dev.locality.activities.stages.s3.S3Location;
import dev.locality.activities.stages.s3.S3Uploader;
import dev.locality.stage.runtime.WorkerSettingValues;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The test S3 server counts one commit per object written, as the upload stage writes them. */
class S3ServerTest {
  @TempDir Path tmp;

  @Test
  void countsOneCommitPerSinglePutAndPerMultipartUpload() throws Exception {
    try (S3Server server = S3Server.start(InetAddress.getLoopbackAddress(), "127.0.0.1")) {
      server.createBucket("counts");
      Map<String, String> settings = server.workerSettings();
      System.setProperty("aws.accessKeyId", S3Server.ACCESS_KEY);
      System.setProperty("aws.secretAccessKey", S3Server.SECRET_KEY);
      var client = new S3Clients().client(WorkerSettingValues.unchecked(settings));
      S3Uploader uploader =
          new S3Uploader(client, 5L << 20, 5L << 20, LoggerFactory.getLogger(S3ServerTest.class));
      byte[] small = new byte[100_000];
      Arrays.fill(small, (byte) 'a');
      Path smallFile = Files.write(tmp.resolve("small"), small);
      byte[] big = new byte[11 << 20];
      Arrays.fill(big, (byte) 'b');
      Path bigFile = Files.write(tmp.resolve("big"), big);

      uploader.upload(
          S3Location.parse(java.net.URI.create("s3://counts/small")),
          smallFile,
          DataFiles.sha256(smallFile),
          true,
          n -> {},
          () -> {});
      uploader.upload(
          S3Location.parse(java.net.URI.create("s3://counts/big")),
          bigFile,
          DataFiles.sha256(bigFile),
          true,
          n -> {},
          () -> {});

      assertThat(server.read("counts", "small")).isEqualTo(small);
      assertThat(server.read("counts", "big")).isEqualTo(big);
      assertThat(server.commits("counts", "small")).isEqualTo(1);
      assertThat(server.commits("counts", "big")).isEqualTo(1);
    }
  }
}
