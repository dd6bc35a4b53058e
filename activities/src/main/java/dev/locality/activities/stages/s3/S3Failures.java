package dev.locality.activities.stages.s3;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Classifies S3 failures like HTTP ones: a 4xx other than 408 and 429 (no such bucket or key,
 * access denied, bad request) is bad input; 5xx, 408, 429 (throttling) and client-side failures
 * (connection, timeouts) are transient {@link IOException}s. {@code NoSuchUpload} (404) is
 * transient too: our own multipart upload was aborted under us (a bucket lifecycle rule, an
 * operator, another tool), which says nothing about the data; the retry starts a new one. Locality
 * itself aborts only uploads its own pipeline recorded (its stage's {@code
 * StageContext.leftovers()}).
 */
public final class S3Failures {
  private S3Failures() {}

  /**
   * The exception to throw for {@code e}, which happened doing {@code what} on {@code location}.
   */
  public static RuntimeException badInputOr(SdkException e, String what, S3Location location)
      throws IOException {
    if (e instanceof S3Exception s3) {
      int status = s3.statusCode();
      String code = s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
      String detail = "HTTP " + status + (code == null ? "" : " " + code);
      if ("NoSuchUpload".equals(code)) {
        throw new IOException(
            what
                + " "
                + location
                + " failed: "
                + detail
                + " (the multipart upload was aborted meanwhile; transient, it starts over)",
            e);
      }
      if (status >= 400 && status < 500 && status != 408 && status != 429) {
        String hint =
            status == 404
                ? " (no such object or bucket)"
                : status == 403
                    ? " (access denied to the worker's credentials, which come from its"
                        + " environment)"
                    : "";
        return new BadInputException(what + " " + location + " failed: " + detail + hint, e);
      }
      throw new IOException(what + " " + location + " failed: " + detail + " (transient)", e);
    }
    throw new IOException(what + " " + location + " failed: " + e.getMessage(), e);
  }

  /** Whether {@code e} is an S3 error with this HTTP status. */
  public static boolean hasStatus(Throwable e, int status) {
    return e instanceof S3Exception s3 && s3.statusCode() == status;
  }
}
