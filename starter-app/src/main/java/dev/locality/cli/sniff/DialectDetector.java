package dev.locality.cli.sniff;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Finds the delimiter, quote and line ending of CSV text from its first lines: the delimiter
 * ({@code , ; TAB |}) that splits the most records into the same number of fields, more than one
 * (ties go to more fields, then to the order above). Quote-aware, so delimiters inside quoted
 * fields do not count. Stateless.
 */
final class DialectDetector {
  static final char[] DELIMITERS = {',', ';', '\t', '|'};

  /** Records looked at: enough to see a pattern, few enough to stay fast. */
  static final int RECORDS = 500;

  private DialectDetector() {}

  /**
   * @param text the sample's first characters, cut after its last complete line
   */
  static Dialect detect(String text) {
    char quote = quote(text);
    char best = Dialect.DEFAULT_DELIMITER;
    double bestScore = -1;
    int bestFields = 1;
    for (char delimiter : DELIMITERS) {
      List<Integer> sizes = recordSizes(text, delimiter, quote);
      if (sizes.isEmpty()) continue;
      Map<Integer, Integer> counts = new HashMap<>();
      for (int size : sizes) counts.merge(size, 1, Integer::sum);
      var modal = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
      if (modal.getKey() < 2) continue;
      double score = (double) modal.getValue() / sizes.size();
      if (score > bestScore + 1e-9
          || (Math.abs(score - bestScore) < 1e-9 && modal.getKey() > bestFields)) {
        best = delimiter;
        bestScore = score;
        bestFields = modal.getKey();
      }
    }
    return new Dialect(best, quote, lineEnding(text));
  }

  /**
   * {@code '} when fields are quoted with it and never with {@code "}, else {@code "} (the default,
   * also when nothing is quoted).
   */
  private static char quote(String text) {
    if (text.indexOf('"') >= 0) return '"';
    Pattern singleQuoted =
        Pattern.compile("(^|[,;\\t|])'[^'\\n]*'([,;\\t|]|\\r?$)", Pattern.MULTILINE);
    return singleQuoted.matcher(text).find() ? '\'' : '"';
  }

  /** Field counts of the first records; empty when the text does not parse with this dialect. */
  private static List<Integer> recordSizes(String text, char delimiter, char quote) {
    List<Integer> sizes = new ArrayList<>();
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setQuote(quote).get();
    try (CSVParser parser =
        CSVParser.builder().setReader(new StringReader(text)).setFormat(format).get()) {
      for (CSVRecord record : parser) {
        sizes.add(record.size());
        if (sizes.size() >= RECORDS) break;
      }
    } catch (IOException | RuntimeException e) {
      return List.of(); // an unbalanced quote under this delimiter: not this dialect
    }
    return sizes;
  }

  private static String lineEnding(String text) {
    int crlf = 0;
    int lf = 0;
    int cr = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r') {
        if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          crlf++;
          i++;
        } else cr++;
      } else if (c == '\n') lf++;
    }
    if (crlf >= lf && crlf >= cr && crlf > 0) return "crlf";
    return cr > lf ? "cr" : "lf";
  }
}
