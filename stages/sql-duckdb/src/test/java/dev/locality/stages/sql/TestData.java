package dev.locality.stages.sql;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Generated input files with the awkward parts of real CSV. */
final class TestData {
  static final String[] STATES = {"CA", "NY", "TX", "WA", "OR", "Ünïcode", "with,comma", "q\"uote"};

  private TestData() {}

  /**
   * Writes {@code rows} orders {@code id,state,amount,note}: a fixed seed, states from {@link
   * #STATES} (one with a comma, one with a quote), notes with commas, doubled quotes and line
   * breaks inside quoted fields.
   */
  static void orders(Path file, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("id,state,amount,note\n");
      for (int i = 0; i < rows; i++) {
        String state = STATES[random.nextInt(STATES.length)];
        String note =
            switch (random.nextInt(4)) {
              case 0 -> "plain";
              case 1 -> "a, comma";
              case 2 -> "say \"hi\"";
              default -> "two\nlines";
            };
        w.write(i + "," + quote(state) + "," + random.nextInt(1000) + "," + quote(note) + "\n");
      }
    }
  }

  static String quote(String value) {
    if (value.contains(",") || value.contains("\"") || value.contains("\n"))
      return "\"" + value.replace("\"", "\"\"") + "\"";
    return value;
  }
}
