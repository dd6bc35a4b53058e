package dev.locality.activities.stages.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Which S3 errors are the data's fault (bad input) and which are worth a retry (transient). */
class S3FailuresTest {
  private static final S3Location KEY =
      S3Location.parse(java.net.URI.create("s3://bucket/out/part.csv"));

  private static S3Exception error(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
            .build();
  }

  private static Throwable classify(S3Exception e) {
    return catchThrowable(
        () -> {
          throw S3Failures.badInputOr(e, "upload of", KEY);
        });
  }

  @Test
  void anAbortedMultipartUploadIsTransientNotBadInput() {
    Throwable t = classify(error(404, "NoSuchUpload"));
    assertThat(t)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("NoSuchUpload")
        .hasMessageContaining("aborted meanwhile");
  }

  @Test
  void aMissingKeyOrBucketIsBadInput() {
    assertThat(classify(error(404, "NoSuchKey"))).isInstanceOf(BadInputException.class);
    assertThat(classify(error(404, "NoSuchBucket"))).isInstanceOf(BadInputException.class);
    assertThat(classify(error(403, "AccessDenied")))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("access denied");
  }

  @Test
  void throttlingAndServerErrorsAreTransient() {
    assertThat(classify(error(503, "SlowDown"))).isInstanceOf(IOException.class);
    assertThat(classify(error(429, "TooManyRequests"))).isInstanceOf(IOException.class);
    assertThat(classify(error(500, "InternalError"))).isInstanceOf(IOException.class);
  }
}
