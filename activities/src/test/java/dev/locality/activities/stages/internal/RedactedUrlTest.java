package dev.locality.activities.stages.internal;

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
}
