package dev.locality.stage.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locality.stage.BadInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The safety net: no URL secret in any text a failure gives the worker's log or Temporal. */
class StageFailuresRedactionTest {
  private static final String MARK = "S3CRETMARK";
  private static final Path SESSION = Path.of("/work/session-1");

  @Test
  void describeRedactsEveryUrlInAPluginsMessage() {
    RuntimeException failure =
        new IllegalStateException(
            "GET http://user:" + MARK + "@origin/a.csv then https://cdn/a?sig=" + MARK + " failed");

    assertThat(StageFailures.describe(failure, SESSION))
        .isEqualTo("GET http://***@origin/a.csv then https://cdn/a?*** failed");
  }

  @Test
  void redactedCopiesTheWholeCauseChainKeepingClassesAndStackTraces() {
    IOException root = new IOException("connect to https://h/x?token=" + MARK + " refused");
    UncheckedIOException middle = new UncheckedIOException("reading s3://k:" + MARK + "@b/k", root);
    BadInputException top = new BadInputException("bad input from my plugin", middle);

    Throwable shown = StageFailures.redacted(top);

    assertThat(printed(shown)).doesNotContain(MARK);
    assertThat(shown).isInstanceOf(RedactedFailure.class);
    assertThat(shown.toString())
        .isEqualTo(BadInputException.class.getName() + ": bad input from my plugin");
    assertThat(shown.getStackTrace()).isEqualTo(top.getStackTrace());
    assertThat(shown.getCause().toString())
        .isEqualTo(UncheckedIOException.class.getName() + ": reading s3://***@b/k");
    assertThat(shown.getCause().getCause().getMessage())
        .isEqualTo("connect to https://h/x?*** refused");
    assertThat(((RedactedFailure) shown.getCause().getCause()).originalClass())
        .isEqualTo(IOException.class.getName());
    // the original is untouched and is what classify reads
    assertThat(StageFailures.classify(top, SESSION)).isEqualTo(StageFailures.Kind.BAD_INPUT);
    assertThat(printed(top)).contains(MARK);
  }

  @Test
  void redactedCoversSuppressedExceptions() {
    IOException main = new IOException("write failed");
    main.addSuppressed(new IOException("close http://u:" + MARK + "@h/ failed"));

    Throwable shown = StageFailures.redacted(main);

    assertThat(printed(shown)).doesNotContain(MARK).contains("close http://***@h/ failed");
  }

  @Test
  void aFailureWithoutSecretsIsReturnedAsItIs() {
    IOException failure =
        new IOException("https://origin/a.csv returned 503", new IOException("x"));

    assertThat(StageFailures.redacted(failure)).isSameAs(failure);
    assertThat(StageFailures.redacted(null)).isNull();
  }

  @Test
  void malformedUrlsAreRedactedAsText() {
    // not parseable (a space, a '/' in the password): redacted conservatively, never echoed
    RuntimeException failure =
        new IllegalArgumentException(
            "Illegal character in path at index 20: http://us:pa/" + MARK + "@h/a b?sig=" + MARK);

    String described = StageFailures.describe(failure, SESSION);

    assertThat(described).doesNotContain(MARK).contains("http://***@h/a");
  }

  @Test
  void aMessageNamingOnlyTheMarkerWithoutAUrlIsNotTouched() {
    // the net redacts URLs, not arbitrary words: a stage must not print secrets it is given bare
    RuntimeException failure = new IllegalStateException("column " + MARK + " missing");

    assertThat(StageFailures.describe(failure, SESSION)).isEqualTo("column " + MARK + " missing");
  }

  @Test
  void aCyclicCauseChainEnds() {
    IOException a = new IOException("a http://u:" + MARK + "@h/");
    IOException b = new IOException("b", a);
    a.initCause(b);

    Throwable shown = StageFailures.redacted(a);

    assertThat(shown.getMessage()).isEqualTo("a http://***@h/");
    assertThat(shown.getCause().getCause()).isSameAs(shown);
  }

  private static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
