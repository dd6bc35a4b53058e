package dev.locality.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The limit's transform must do what the benchmark pipeline's transform-csv stage does. */
class LimitPassTest {
  private static final String HEADER =
      "id,created_at,event_date,customer_id,amount,price,currency,status,city,note\n";

  private static ByteArrayInputStream csv(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void selectsRenamesAndDropsCancelledRows(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out.csv");
    String in =
        HEADER
            + "1,2025-01-01T00:00:03Z,2025-01-01,100001,12.50,1.2345,EUR,paid,Berlin,gift wrap\n"
            + "2,2025-01-01T00:00:06Z,2025-01-01,100002,3.00,0.1000,USD,cancelled,Lyon,\n"
            + "3,2025-01-01T00:00:09Z,2025-01-01,100003,7.25,9.0000,GBP,new,\"Paris, TX\","
            + "\"late, \"\"fragile\"\"\nbox\"\n";

    long[] rows = LimitPass.transform(csv(in), out, false);

    assertThat(rows).containsExactly(3, 2);
    assertThat(out)
        .content()
        .isEqualTo(
            "id,created_at,customer_id,amount_usd,currency,status,city,note\n"
                + "1,2025-01-01T00:00:03Z,100001,12.50,EUR,paid,Berlin,gift wrap\n"
                + "3,2025-01-01T00:00:09Z,100003,7.25,GBP,new,\"Paris, TX\","
                + "\"late, \"\"fragile\"\"\nbox\"\n");
  }

  @Test
  void aRowWithAMissingFieldFailsThePass(@TempDir Path dir) {
    String in = HEADER + "1,2025-01-01T00:00:03Z,2025-01-01,100001,12.50,1.2345,EUR,paid,Berlin\n";

    assertThatThrownBy(() -> LimitPass.transform(csv(in), dir.resolve("out.csv"), false))
        .hasMessage("bad row 1");
  }

  @Test
  void transformsWhatTheGeneratorWrites(@TempDir Path dir) throws Exception {
    Path gz = dir.resolve("data.csv.gz");
    GenerateCsvTest.generate(gz, 200_000, 7);
    Path plain = dir.resolve("data.csv");
    try (var in = new GZIPInputStream(Files.newInputStream(gz))) {
      Files.copy(in, plain);
    }
    long cancelled;
    try (var parser =
        CSVFormat.DEFAULT.builder().setHeader().get().parse(Files.newBufferedReader(plain))) {
      cancelled =
          parser.stream()
              .filter(r -> r.size() == 10 && r.get("status").equals("cancelled"))
              .count();
    }

    long[] rows;
    try (var in = Files.newInputStream(plain)) {
      rows = LimitPass.transform(in, dir.resolve("out.csv"), true);
    }

    assertThat(cancelled).isPositive();
    assertThat(rows[1]).isEqualTo(rows[0] - cancelled);
  }
}
