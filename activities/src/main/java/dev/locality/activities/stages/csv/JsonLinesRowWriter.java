package dev.locality.activities.stages.csv;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes output rows as JSON Lines: one object per row, keys the output column names in order, a
 * newline ({@code \n}) after each. Values by declared type ({@link ColumnType#storage()}): int,
 * long and decimal as JSON numbers (their normalised text, so exact: {@code 1.50} stays {@code
 * 1.50}), boolean as {@code true}/{@code false}, dates and timestamps and everything else as
 * strings (ISO); a null value ({@code emptyAsNull}, {@code nullValue}) as {@code null}. Text is
 * UTF-8, escaped by Jackson (quotes, backslashes, control characters; other characters as they
 * are). The header row is part of every line, so {@link #header} does nothing. Not thread-safe;
 * {@link #close} flushes and closes the stream.
 */
final class JsonLinesRowWriter implements RowWriter {
  private static final JsonFactory JSON = JsonFactory.builder().build();

  private final JsonGenerator json;
  private final SerializedString[] keys;
  private final boolean[] number;
  private final boolean[] bool;

  JsonLinesRowWriter(OutputStream out, OutputColumns columns) throws IOException {
    this.json = JSON.createGenerator(out, JsonEncoding.UTF8);
    json.setRootValueSeparator(null);
    keys = new SerializedString[columns.size()];
    number = new boolean[columns.size()];
    bool = new boolean[columns.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new SerializedString(columns.names().get(i));
      ColumnType type = columns.types().get(i);
      if (type != null) {
        switch (type.storage()) {
          case INT, LONG, DECIMAL, DECIMAL_TEXT -> number[i] = true;
          case BOOLEAN -> bool[i] = true;
          default -> {}
        }
      }
    }
  }

  @Override
  public void header(java.util.List<String> names) {
    // every line names its columns
  }

  @Override
  public void row(String[] values) throws IOException {
    json.writeStartObject();
    for (int i = 0; i < keys.length; i++) {
      json.writeFieldName(keys[i]);
      String v = values[i];
      if (v == null) json.writeNull();
      else if (number[i]) json.writeNumber(v);
      else if (bool[i]) json.writeBoolean(v.equals("true"));
      else json.writeString(v);
    }
    json.writeEndObject();
    json.writeRaw('\n');
  }

  @Override
  public void close() throws IOException {
    json.close();
  }
}
