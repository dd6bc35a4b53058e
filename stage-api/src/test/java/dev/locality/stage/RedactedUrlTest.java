package dev.locality.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RedactedUrlTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://user:pass@host/x | http://***@host/x",
        "https://host:8443/a%20b.csv?X-Amz-Signature=ab%2Fcd | https://host:8443/a%20b.csv?***",
        "http://u:p@host:1/p?q=1#frag | http://***@host:1/p?***#***",
        "http://host/p#frag?notquery | http://host/p#***",
        "http://host | http://host",
        "http://host?x=1 | http://host?***",
        "s3://bucket/key/a+b.csv | s3://bucket/key/a+b.csv",
        "s3://key:secret@bucket/x | s3://***@bucket/x",
        "file:///tmp/a%20b.csv | file:///tmp/a%20b.csv",
        "/relative/path?sig=1 | /relative/path?***",
        // not valid URLs: redacted as text, conservatively
        "http://user:pa/ss@host/a b?sig=1 | http://***@host/a b?***",
        "http://host/a b?sig=secret | http://host/a b?***",
        "user:secret@host/x | ***@host/x",
      })
  void stripsUserinfoQueryAndFragment(String url, String expected) {
    assertThat(RedactedUrl.of(url)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://user:secret@host/x?token=secret | http://***@host/x?***",
        "http://host/%2Fdir%2F/x | http://host/%2Fdir%2F/x",
      })
  void acceptsParsedUris(String url, String expected) {
    assertThat(RedactedUrl.of(URI.create(url))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "GET http://user:S3CRET@host/x failed | GET http://***@host/x failed",
        "'https://h/a.csv?sig=S3CRET' not found | 'https://h/a.csv?***' not found",
        "from http://u:S3CRET@a/x to https://b/y?sig=S3CRET. | from http://***@a/x to https://b/y?***.",
        "(see s3://key:S3CRET@bucket/k) | (see s3://***@bucket/k)",
        "redirect to /bucket/key?X-Amz-Signature=S3CRET refused | redirect to /bucket/key?*** refused",
        "Location: //cdn/x?token=S3CRET | Location: //cdn/x?***",
        "uri=http://h/p?a=1&b=S3CRET,next | uri=http://h/p?***",
        "<http://h/p#S3CRET> | <http://h/p#***>",
        "reading a b?sig=S3CRET failed | reading a b?*** failed",
        "Illegal character in authority at index 7: http://u:S3CRET@ho st/ | Illegal character in authority at index 7: http://***@ho st/",
      })
  void redactsEveryUrlInText(String text, String expected) {
    assertThat(RedactedUrl.inText(text)).isEqualTo(expected).doesNotContain("S3CRET");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "no url here",
        "file /tmp/a.csv line 3: unbalanced quote",
        "https://host/x.csv returned 404",
        "file:///data/in.csv.gz (from url file:///data/in.csv.gz) is a directory",
        "expected 2 fields, got 3: a/b, c?",
        "x@y.z is not a column",
      })
  void leavesTextWithoutSecretsAlone(String text) {
    assertThat(RedactedUrl.inText(text)).isSameAs(text);
  }

  @org.junit.jupiter.api.Test
  void nullStaysNull() {
    assertThat(RedactedUrl.inText(null)).isNull();
  }

  @org.junit.jupiter.api.Test
  void longTokensWithoutUrlsTakeLinearTime() {
    String token = "a".repeat(300_000) + "?";
    String dotted = "x/".repeat(100_000);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
        java.time.Duration.ofSeconds(2),
        () -> {
          assertThat(RedactedUrl.inText(token)).isSameAs(token);
          assertThat(RedactedUrl.inText(dotted)).isSameAs(dotted);
          assertThat(RedactedUrl.inText(token + "b=S3CRET")).doesNotContain("S3CRET");
        });
  }
}
