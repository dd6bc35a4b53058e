package dev.locality.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class RedactingWriterTest {
  private final StringWriter sink = new StringWriter();
  private final PrintWriter out = RedactingWriter.wrap(new PrintWriter(sink, true));

  @Test
  void aUrlWrittenInPiecesIsRedactedAsAWholeLine() {
    out.printf(
        "fetching %s%s%n", "https://user:hunter2@example.com/data.csv", "?X-Amz-Signature=abc");
    out.print("https://example.com/a.csv");
    out.print("?token=s3cr3t");
    out.println();

    assertThat(sink.toString())
        .doesNotContain("hunter2")
        .doesNotContain("abc")
        .doesNotContain("s3cr3t")
        .contains("example.com/data.csv")
        .contains("example.com/a.csv");
  }

  @Test
  void anUnfinishedLineIsWrittenOnFlushAndProgressLinesEndAtCarriageReturns() {
    out.print("10% https://example.com/a.csv?sig=zzz\r");
    assertThat(sink.toString()).startsWith("10% https://example.com/a.csv").doesNotContain("zzz");
    out.print("done, no newline");
    assertThat(sink.toString()).doesNotContain("done");
    out.flush();
    assertThat(sink.toString()).endsWith("done, no newline");
  }
}
