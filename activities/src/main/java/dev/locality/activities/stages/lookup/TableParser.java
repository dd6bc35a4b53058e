package dev.locality.activities.stages.lookup;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.locality.activities.stages.csv.CsvRecords;
import dev.locality.activities.stages.csv.RecordReader;
import dev.locality.activities.stages.internal.Buffers;
import dev.locality.stage.BadInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.commons.csv.CSVFormat;

/**
 * Reads a reference table into a {@link LookupTable} keyed by one column. Every fault of the table
 * is bad input naming the table and the line: no header, no key column, a row with a different
 * number of fields than the header, malformed CSV or JSON, a line that is not a JSON object or
 * lacks the key, a key that appears twice (both lines named), text that is not UTF-8. Reports
 * progress (rows read) every 1024 rows. Stateless; thread-safe.
 */
final class TableParser {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final long maxRecordBytes;

  /**
   * @param maxRecordBytes the largest CSV record (worker setting {@code maxCsvFieldBytes})
   */
  TableParser(long maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Reads {@code in} to its end (the caller closes it).
   *
   * @param name the table as messages show it (its redacted URL)
   * @param rows called with the rows read so far, for heartbeats
   */
  LookupTable parse(
      InputStream in, TableFormat format, String keyColumn, String name, LongConsumer rows)
      throws IOException {
    return format == TableFormat.CSV
        ? csv(in, keyColumn, name, rows)
        : jsonl(in, keyColumn, name, rows);
  }

  private LookupTable csv(InputStream in, String keyColumn, String name, LongConsumer progress)
      throws IOException {
    LookupTable.Builder table = new LookupTable.Builder(keyColumn);
    try (RecordReader records =
        CsvRecords.open(in, name, CSVFormat.DEFAULT, StandardCharsets.UTF_8, maxRecordBytes)) {
      String[] header = records.next();
      if (header == null) throw new BadInputException("lookup table " + name + " is empty");
      for (String column : header) {
        int before = table.columns().size();
        if (table.column(column) < before)
          throw new BadInputException(
              "lookup table " + name + " names column '" + column + "' twice in its header");
      }
      int key = table.columns().indexOf(keyColumn);
      if (key < 0) throw noKeyColumn(name, keyColumn, table.columns());
      long count = 0;
      for (String[] record = records.next(); record != null; record = records.next()) {
        long line = records.line();
        if (record.length != header.length)
          throw new BadInputException(
              "lookup table "
                  + name
                  + " line "
                  + line
                  + ": has "
                  + record.length
                  + " fields, the header has "
                  + header.length);
        add(table, record[key], record.clone(), line, name);
        if ((++count & 1023) == 0) progress.accept(count);
      }
      progress.accept(count);
    }
    return table.build();
  }

  private LookupTable jsonl(InputStream in, String keyColumn, String name, LongConsumer progress)
      throws IOException {
    LookupTable.Builder table = new LookupTable.Builder(keyColumn);
    int key = table.column(keyColumn);
    BufferedReader text =
        new BufferedReader(
            new InputStreamReader(
                in,
                StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)),
            Buffers.SIZE);
    long line = 0;
    long count = 0;
    try {
      for (String s = text.readLine(); s != null; s = text.readLine()) {
        line++;
        if (line == 1 && s.startsWith("\uFEFF")) s = s.substring(1);
        if (s.isBlank()) continue;
        JsonNode node;
        try {
          node = JSON.readTree(s);
        } catch (JsonProcessingException e) {
          throw new BadInputException(
              "lookup table "
                  + name
                  + " line "
                  + line
                  + ": not valid JSON: "
                  + e.getOriginalMessage(),
              e);
        }
        if (node == null || !node.isObject())
          throw new BadInputException(
              "lookup table " + name + " line " + line + ": not a JSON object");
        JsonNode keyNode = node.get(keyColumn);
        if (keyNode == null || !keyNode.isValueNode() || keyNode.isNull())
          throw new BadInputException(
              "lookup table "
                  + name
                  + " line "
                  + line
                  + ": has no value for the key '"
                  + keyColumn
                  + "' (a string or number)");
        String[] row = new String[table.columns().size()];
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          int column = table.column(field.getKey());
          if (column >= row.length) row = java.util.Arrays.copyOf(row, table.columns().size());
          row[column] = text(field.getValue());
        }
        add(table, row[key], row, line, name);
        if ((++count & 1023) == 0) progress.accept(count);
      }
    } catch (CharacterCodingException e) {
      throw new BadInputException(
          "lookup table " + name + " near line " + (line + 1) + ": not valid UTF-8 text", e);
    }
    progress.accept(count);
    return table.build();
  }

  /** A JSON value as the CSV text it becomes: strings as they are, null empty, others as JSON. */
  private static String text(JsonNode value) {
    if (value.isNull()) return null;
    if (value.isTextual()) return value.textValue();
    if (value.isValueNode()) return value.asText();
    return value.toString();
  }

  private static void add(
      LookupTable.Builder table, String key, String[] row, long line, String name) {
    long first = table.add(key, row, line);
    if (first >= 0)
      throw new BadInputException(
          "lookup table "
              + name
              + " line "
              + line
              + ": key '"
              + key
              + "' in column '"
              + table.keyColumn()
              + "' appears again (first on line "
              + first
              + "); a lookup table must hold each key once");
  }

  static BadInputException noKeyColumn(String name, String keyColumn, List<String> columns) {
    return new BadInputException(
        "lookup table "
            + name
            + " has no column '"
            + keyColumn
            + "' to join on (its columns: "
            + String.join(", ", columns)
            + ")");
  }
}
