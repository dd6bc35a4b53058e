package dev.locality.api.converter;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.failure.v1.Failure;
import io.temporal.common.converter.DataConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class RedactingFailureConverterTest {
  private static final String MARK = "S3CRETMARK";
  private final DataConverter converter = LocalityDataConverter.create();

  @Test
  void everyMessageInTheChainIsRedactedAndTypesStay() {
    ApplicationFailure failure =
        ApplicationFailure.newNonRetryableFailureWithCause(
            "GET https://u:" + MARK + "@h/a.csv failed",
            "BadInput",
            new IOException(
                "redirect to https://cdn/a?X-Amz-Signature=" + MARK,
                new IllegalStateException("//h/p?sig=" + MARK)));

    Failure proto = converter.exceptionToFailure(failure);

    assertThat(proto.toString()).doesNotContain(MARK);
    assertThat(proto.getMessage()).isEqualTo("GET https://***@h/a.csv failed");
    assertThat(proto.getApplicationFailureInfo().getType()).isEqualTo("BadInput");
    assertThat(proto.getApplicationFailureInfo().getNonRetryable()).isTrue();
    assertThat(proto.getCause().getMessage()).isEqualTo("redirect to https://cdn/a?***");
    assertThat(proto.getCause().getApplicationFailureInfo().getType())
        .isEqualTo(IOException.class.getName());
    assertThat(proto.getCause().getCause().getMessage()).isEqualTo("//h/p?***");
  }

  @Test
  void failuresReadBackAreRedactedToo() {
    Failure inClear =
        Failure.newBuilder()
            .setMessage("from http://u:" + MARK + "@h/x")
            .setCause(Failure.newBuilder().setMessage("s3://k:" + MARK + "@b/k"))
            .build();

    ApplicationFailure read = (ApplicationFailure) converter.failureToException(inClear);

    assertThat(read.getOriginalMessage()).isEqualTo("from http://***@h/x");
    assertThat(((ApplicationFailure) read.getCause()).getOriginalMessage())
        .isEqualTo("s3://***@b/k");
  }

  @Test
  void aFailureWithoutSecretsIsTheDefaultConvertersOwn() {
    Failure proto = converter.exceptionToFailure(new IOException("https://h/a.csv returned 503"));

    assertThat(proto.getMessage()).isEqualTo("https://h/a.csv returned 503");
  }
}
